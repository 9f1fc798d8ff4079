namespace Ntdbg.Formats.KernelDump;

/// <summary>DUMP_HEADER.DumpType: how the physical memory (if any) follows the header.</summary>
public enum KernelDumpType : uint
{
    /// <summary>Complete memory: PHYSICAL_MEMORY_DESCRIPTOR runs stored back to back after the header.</summary>
    Full = 1,
    /// <summary>Legacy kernel summary dump.</summary>
    Summary = 2,
    HeaderOnly = 3,
    /// <summary>Small memory / triage dump: TRIAGE_DUMP at 0x1000 (32-bit) or 0x2000 (64-bit).</summary>
    Triage = 4,
    /// <summary>Bitmap dump: 'SDMP' (kernel) or 'FDMP' (full) header after the dump header.</summary>
    Bitmap = 5,
    /// <summary>Bitmap dump written live (active memory dump).</summary>
    BitmapLive = 6,
    Automatic = 7,
    /// <summary>'RDMP' kernel memory dump (.dump /k).</summary>
    RdmpKernel = 8,
    /// <summary>'RDMP' kernel and user memory dump (.dump /ka).</summary>
    RdmpKernelAndUser = 9,
    /// <summary>'RDMP' complete memory dump (.dump /f).</summary>
    RdmpComplete = 0xA,
}
