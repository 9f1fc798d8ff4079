namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>What a process holds beyond its list entry: its session and its own address space.</summary>
public sealed partial record SyntheticProcess
{
    /// <summary>The session the process belongs to; null for System and smss (no session).</summary>
    public uint? SessionId { get; init; }

    /// <summary>The process's own page tables (its PML4 is <see cref="DirectoryTableBase"/>); null for System, whose tables are the kernel's.</summary>
    public PageTableBuilder? UserTables { get; init; }

    /// <summary>The PEB's user address (0: no PEB, as for System).</summary>
    public ulong Peb { get; init; }

    /// <summary>Where the exe's image is mapped (PEB.ImageBaseAddress).</summary>
    public ulong ImageBase { get; init; }

    /// <summary>The full path of the exe (ProcessParameters.ImagePathName, SeAuditProcessCreationInfo).</summary>
    public string ImagePath { get; init; } = "";

    /// <summary>ProcessParameters.CommandLine.</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>EPROCESS.CreateTime (FILETIME).</summary>
    public ulong CreateTime { get; init; }

    /// <summary>The text on this process's private page at <see cref="UserSpaceWriter.MarkerVa"/> (the same address in every process).</summary>
    public string Marker => $"ntdbg synthetic private page of {ImageName} pid {Pid:x}";
}
