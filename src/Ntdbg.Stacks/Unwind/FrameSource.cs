namespace Ntdbg.Stacks.Unwind;

/// <summary>How a frame's caller was found, shown by `k` so users know what to trust.</summary>
public enum FrameSource
{
    /// <summary>The starting context (thread, exception or .cxr).</summary>
    Context,
    /// <summary>Unwound with the function's .pdata/UNWIND_INFO.</summary>
    UnwindInfo,
    /// <summary>No unwind data (a leaf function): the return address is at the stack pointer.</summary>
    Leaf,
    /// <summary>Through a machine frame (trap or exception frame pushed by the processor).</summary>
    MachineFrame,
    /// <summary>Found by scanning the stack for a value that looks like a return address (no unwind data to follow).</summary>
    Scan,
    /// <summary>Emulating the epilog the instruction pointer stood in (x64).</summary>
    Epilog,
    /// <summary>Followed the frame-pointer chain (x86 EBP, or x64 RBP where no unwind data exists).</summary>
    FramePointer,
    /// <summary>x86 frame data: the PDB's FRAMEDATA or breakpad's STACK WIN 4 program.</summary>
    FrameData,
    /// <summary>x86 FPO_DATA (PDB FPO stream or breakpad STACK WIN 0).</summary>
    Fpo,
    /// <summary>Breakpad STACK CFI rules.</summary>
    Cfi,
    /// <summary>The CONTEXT record the exception dispatcher (KiUserExceptionDispatcher) was handed: the faulting code's registers.</summary>
    ExceptionContext,
}
