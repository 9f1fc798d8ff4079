namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>A process a scenario puts in the dump: its id, parent, image name and page-table base.</summary>
public sealed partial record SyntheticProcess(ulong Pid, ulong ParentPid, string ImageName, ulong DirectoryTableBase)
{
    /// <summary>Its threads, in thread-list order (written by <see cref="ThreadWriter"/>).</summary>
    public List<SyntheticThread> Threads { get; } = [];
}
