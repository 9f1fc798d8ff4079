namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>_KTHREAD.State values (the kernel's KTHREAD_STATE numbering).</summary>
public enum SyntheticThreadState : byte { Initialized = 0, Ready = 1, Running = 2, Standby = 3, Terminated = 4, Waiting = 5 }

/// <summary>Kinds of dispatcher object a thread can wait on; the names are those WinDbg prints for them.</summary>
public enum SyntheticWaitKind { NotificationEvent, SynchronizationEvent, Mutant, Semaphore, NotificationTimer, SynchronizationTimer }

/// <summary>A dispatcher object a waiting thread's wait block points at; Address is set when written.</summary>
public sealed class SyntheticWaitObject(SyntheticWaitKind kind, int semaphoreLimit = 0)
{
    public SyntheticWaitKind Kind { get; } = kind;
    public int SemaphoreLimit { get; } = semaphoreLimit;
    /// <summary>For a mutant: the thread that owns it (its _ETHREAD address once written).</summary>
    public SyntheticThread? Owner { get; init; }
    public ulong Address { get; internal set; }
}

/// <summary>An IRP queued on a thread's IrpList; Address is set when written.</summary>
public sealed class SyntheticIrp(uint flags, string driver)
{
    /// <summary>_IRP plus its one stack location, as IoAllocateIrp sizes it.</summary>
    public ushort Size { get; internal set; }
    public uint Flags { get; } = flags;
    /// <summary>The scenario driver whose device object the IRP's current stack location names.</summary>
    public string Driver { get; } = driver;
    public ulong Address { get; internal set; }
    public ulong DeviceObject { get; internal set; }
    public ulong DriverObject { get; internal set; }
}

/// <summary>
/// A thread a scenario puts in a process: its _ETHREAD fields, what it waits on, its IRPs and the
/// kernel functions on its stack (innermost first, as `k` lists them). <see cref="ThreadWriter"/>
/// lays it out and fills in the addresses.
/// </summary>
public sealed class SyntheticThread
{
    public ulong Tid { get; init; }
    public SyntheticThreadState State { get; init; } = SyntheticThreadState.Waiting;
    /// <summary>A _KWAIT_REASON name ("Executive", "UserRequest", "WrQueue"...), looked up in the build's table.</summary>
    public string WaitReason { get; init; } = "Executive";
    /// <summary>0 KernelMode, 1 UserMode.</summary>
    public byte WaitMode { get; init; }
    public bool Alertable { get; init; }
    public sbyte Priority { get; init; } = 8;
    public sbyte BasePriority { get; init; } = 8;
    public uint KernelTime { get; init; }
    public uint UserTime { get; init; }
    public uint ContextSwitches { get; init; }
    public uint WaitTime { get; init; }
    /// <summary>User threads have a TEB; system threads have none (0).</summary>
    public ulong Teb { get; init; }
    public ulong Win32Thread { get; init; }
    /// <summary>nt symbols of the thread's start routines.</summary>
    public string StartSymbol { get; init; } = "PspSystemThreadStartup";
    public string Win32StartSymbol { get; init; } = "ExpWorkerThread";
    public ulong CreateTime { get; init; } = 0x01d707f23d000000;
    /// <summary>The nt functions on the kernel stack, innermost first (KiSwapContext ... KiSystemServiceCopyEnd).</summary>
    public IReadOnlyList<string> Stack { get; init; } = [];
    public List<SyntheticWaitObject> WaitObjects { get; } = [];
    public List<SyntheticIrp> Irps { get; } = [];

    // Filled in by ThreadWriter.
    public ulong Address { get; internal set; }
    public ulong ProcessAddress { get; internal set; }
    public ulong StackBase { get; internal set; }
    public ulong StackLimit { get; internal set; }
    public ulong InitialStack { get; internal set; }
    /// <summary>The saved stack pointer: a waiting or ready thread's _KSWITCH_FRAME is there.</summary>
    public ulong KernelStack { get; internal set; }
    public ulong StartAddress { get; internal set; }
    public ulong Win32StartAddress { get; internal set; }
    /// <summary>Where `k` starts for this thread: RIP and RSP (from the switch frame, or the bugcheck context).</summary>
    public ulong Rip { get; internal set; }
    public ulong Rsp { get; internal set; }
}
