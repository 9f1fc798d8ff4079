namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>A paging file: its name and sizes in pages (as _MMPAGING_FILE holds them).</summary>
public sealed record SyntheticPageFile(string Name, ulong CurrentPages, ulong FreePages, ulong MinimumPages, ulong MaximumPages);

/// <summary>
/// The memory manager's counters a scenario writes (all in pages), the figures `!vm` prints.
/// PagedPools holds each paged pool's usage (Windows 7/8.1 keep one descriptor per pool; later
/// kernels only their sum); SessionCommits each session's committed pages.
/// </summary>
public sealed record SyntheticMemoryCounters(
    ulong PhysicalPages,
    IReadOnlyList<SyntheticPageFile> PageFiles,
    ulong AvailablePages,
    ulong ResidentAvailablePages,
    ulong FreeSystemPtes,
    ulong ModifiedPages,
    ulong ModifiedPagefilePages,
    ulong NonPagedPoolPages,
    ulong NonPagedPoolMaximumPages,
    IReadOnlyList<ulong> PagedPools,
    ulong PagedPoolMaximumPages,
    IReadOnlyList<ulong> SessionCommits,
    ulong SharedCommit,
    ulong SpecialPoolPages,
    ulong KernelStackPages,
    ulong ProcessCommit,
    ulong PagedPoolCommit,
    ulong DriverCommit,
    ulong BootCommit,
    ulong CommittedPages,
    ulong CommitLimit)
{
    /// <summary>An ordinary 4 GB machine: nothing near a limit.</summary>
    public static SyntheticMemoryCounters Ordinary { get; } = new(
        PhysicalPages: 1048446,
        PageFiles: [new(@"\??\C:\pagefile.sys", 327680, 320512, 327680, 786432)],
        AvailablePages: 612345, ResidentAvailablePages: 801234, FreeSystemPtes: 4294967295 / 8,
        ModifiedPages: 2210, ModifiedPagefilePages: 2201,
        NonPagedPoolPages: 31337, NonPagedPoolMaximumPages: 1048576,
        PagedPools: [40001, 5002, 1003], PagedPoolMaximumPages: 33554432,
        SessionCommits: [1500, 2600], SharedCommit: 18591, SpecialPoolPages: 0, KernelStackPages: 9876,
        ProcessCommit: 2151, PagedPoolCommit: 46010, DriverCommit: 4531, BootCommit: 2768,
        CommittedPages: 379178, CommitLimit: 1376126);

    /// <summary>The figures of the `!vm 1` output in shared/seed/ntdebugging-blog-page5.txt (a non-paged pool leak).</summary>
    public static SyntheticMemoryCounters Seed { get; } = new(
        PhysicalPages: 403854,
        PageFiles: [new(@"\??\C:\pagefile.sys", 1048576 / 4, 1015644 / 4, 1048576 / 4, 4194304 / 4)],
        AvailablePages: 106778, ResidentAvailablePages: 225678, FreeSystemPtes: 33533355,
        ModifiedPages: 4844, ModifiedPagefilePages: 4838,
        NonPagedPoolPages: 155371, NonPagedPoolMaximumPages: 191078,
        PagedPools: [27618, 3848, 299, 283, 344], PagedPoolMaximumPages: 33554432,
        SessionCommits: [5120, 2644], SharedCommit: 6371, SpecialPoolPages: 0, KernelStackPages: 7012,
        ProcessCommit: 5471, PagedPoolCommit: 32394, DriverCommit: 2458, BootCommit: 1764,
        CommittedPages: 326464, CommitLimit: 665998);
}
