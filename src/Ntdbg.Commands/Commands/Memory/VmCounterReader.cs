using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Memory;

/// <summary>
/// Reads the `!vm` counters from the kernel's own variables. Windows 7 and 8.1 keep them in
/// nt!Mm*/Mi* globals and the pool descriptors; Windows 10 moved them into nt!MiState
/// (_MI_SYSTEM_INFORMATION) and the system partition nt!MiSystemPartition (_MI_PARTITION). Each
/// counter lists its sources newest layout first; the first the symbols have is read. A counter
/// with no source in this kernel, or whose memory the dump lacks, is unavailable with the reason.
/// See docs/kernel-dumps.md ("!vm counters").
/// </summary>
public sealed class VmCounterReader(DebugSession session)
{
    public const string PhysicalMemory = "Physical Memory";
    public const string NonPagedPoolUsage = "NonPagedPool Usage";
    public const string NonPagedPoolMax = "NonPagedPool Max";
    public const string PagedPoolUsage = "PagedPool Usage";
    public const string PagedPoolMaximum = "PagedPool Maximum";
    private const int MaxPagingFiles = 16; // the kernel's own limit (MmPagingFile[16])
    private const int MaxPools = 64;
    private const int MaxSessions = 10_000;

    public VmResult Read()
    {
        var notes = new List<string>();
        var counters = new List<VmCounter>
        {
            Counter(PhysicalMemory, VmSource.Partition("Vp.NumberOfPhysicalPages"), VmSource.Global("MmNumberOfPhysicalPages", 4)),
            Counter("Available Pages", VmSource.Partition("Vp.AvailablePages"), VmSource.Global("MmAvailablePages")),
            Counter("ResAvail Pages", VmSource.Partition("Vp.ResidentAvailablePages"), VmSource.Global("MmResidentAvailablePages")),
            Counter("Locked IO Pages", VmSource.Global("MmSystemLockPagesCount")),
            Counter("Free System PTEs", VmSource.State("Vs.SystemPteInfo.TotalFreeSystemPtes"), new VmSource("MiSystemPteInfo", "_MI_SYSTEM_PTE_TYPE", "TotalFreeSystemPtes")),
            Counter("Modified Pages", VmSource.Partition("Vp.ModifiedPageListHead.Total"), new VmSource("MmModifiedPageListHead", "_MMPFNLIST", "Total")),
            Counter("Modified PF Pages", VmSource.Partition("Vp.TotalPagesForPagingFile"), VmSource.Global("MmTotalPagesForPagingFile")),
        };
        var pools = new PoolDescriptors(this);
        var nonPaged = Counter(NonPagedPoolUsage, VmSource.State("Pools.AllocatedNonPagedPool"));
        if (nonPaged.Pages == null && pools.Usable) nonPaged = pools.Sum(NonPagedPoolUsage, "ExpNonPagedPoolDescriptor", "ExpNumberOfNonPagedPools", 0, notes);
        var max = Counter(NonPagedPoolMax, VmSource.State("Vs.MaximumNonPagedPoolInPages"), VmSource.Global("MmMaximumNonPagedPoolInPages"));
        counters.Add(nonPaged);
        counters.Add(max);
        // WinDbg's rule: more than four fifths of the maximum.
        bool excessive = nonPaged.Pages is ulong used && max.Pages is ulong limit && used > 4 * (limit / 5);

        var pagedPools = pools.Usable ? pools.Each("PagedPool {0} Usage", "ExpPagedPoolDescriptor", "ExpNumberOfPagedPools", notes) : [];
        counters.AddRange(pagedPools);
        counters.Add(pagedPools.Count > 0 && pagedPools.All(p => p.Pages != null)
            ? new VmCounter(PagedPoolUsage, pagedPools.Aggregate(0UL, (a, p) => a + p.Pages!.Value), "sum of the paged pool descriptors", null)
            : Counter(PagedPoolUsage, VmSource.State("Vs.PagedPoolInfo.AllocatedPagedPool")));
        counters.Add(Counter(PagedPoolMaximum, VmSource.State("Vs.SizeOfPagedPoolInPages"), VmSource.Global("MmSizeOfPagedPoolInPages")));
        counters.Add(SessionCommit());
        counters.Add(Counter("Shared Commit", VmSource.Partition("Vp.SharedCommit"), VmSource.Global("MmSharedCommit")));
        counters.Add(Counter("Special Pool", VmSource.Global("MmSpecialPagesInUse")));
        counters.Add(Counter("Kernel Stacks", VmSource.Global("MmKernelStackPages"), VmSource.Global("MiKernelStackPages")));
        counters.Add(Counter("Shared Process", VmSource.State("Vs.ProcessCommit"), VmSource.Global("MmProcessCommit")));
        counters.Add(Counter("PagedPool Commit", VmSource.Global("MmPagedPoolCommit"), VmSource.State("Vs.PagedPoolInfo.PagedPoolCommit")));
        counters.Add(Counter("Driver Commit", VmSource.State("Vs.DriverCommit"), VmSource.Global("MmDriverCommit", 4)));
        counters.Add(Counter("Boot Commit", VmSource.State("Vs.BootCommit")));
        counters.Add(Counter("Committed pages", VmSource.Partition("Vp.TotalCommittedPages"), VmSource.Global("MmTotalCommittedPages")));
        counters.Add(Counter("Commit limit", VmSource.Partition("Vp.TotalCommitLimit"), VmSource.Global("MmTotalCommitLimit")));

        var pageFiles = PageFiles(out string? pageFilesUnavailable);
        string layout = Resolve("MiState") != null ? "MiState" : "globals";
        return new VmResult(layout, counters, pageFiles, pageFilesUnavailable, excessive, notes);
    }

    /// <summary>The counter from the first of its sources this kernel has.</summary>
    public VmCounter Counter(string label, params VmSource[] sources)
    {
        foreach (var source in sources)
        {
            if (!Applies(source)) continue;
            ulong? value = Read(source, out string? problem);
            return new VmCounter(label, value, source.ToString(), problem);
        }
        return new VmCounter(label, null, null, sources.Length == 1 ? $"this kernel's symbols have no {sources[0]}" : $"this kernel's symbols have none of {string.Join(", ", sources.Select(s => s.ToString()))}");
    }

    internal int PointerSize => session.PointerSize;

    internal ulong? Resolve(string symbol) => session.SymbolTable.TryResolve("nt!" + symbol, out ulong a) ? a : null;

    internal UdtType? Type(string name) => session.SymbolTable.FindType("nt!" + name)?.Type as UdtType;

    private bool Applies(VmSource s) =>
        Resolve(s.Symbol) != null && (s.Type == null || Type(s.Type) is { } t && KernelFields.Has(t, s.Path!));

    private ulong? Read(VmSource s, out string? problem)
    {
        ulong at = Resolve(s.Symbol)!.Value;
        if (s.Type == null) return ReadNumber(at, s.Size, s.ToString(), out problem);
        var notes = new List<string>();
        ulong? v = new KernelFields(session, notes).Read(Type(s.Type), at, s.Path!);
        problem = v == null ? notes.LastOrDefault() ?? $"{s} is unreadable" : null;
        return v;
    }

    internal ulong? ReadNumber(ulong at, int size, string what, out string? problem)
    {
        var bytes = new byte[8];
        if (session.Memory.Read(at, bytes.AsSpan(0, size), out var fault) < size)
        {
            problem = $"{what} at {Hex.Pointer(at, 8)} is not in the dump: {fault?.Detail ?? "unreadable"}";
            return null;
        }
        problem = null;
        return BitConverter.ToUInt64(bytes);
    }

    internal ulong? ReadPointer(ulong at, string what, out string? problem) => ReadNumber(at, session.PointerSize, what, out problem);

    internal KernelFields Fields(List<string> notes) => new(session, notes);

    // Session Commit: the sum of CommittedPages over the session spaces on the session
    // working-set list (nt!MiState.Vs.SessionWsList, or nt!MiSessionWsList before Windows 10).
    private VmCounter SessionCommit()
    {
        const string label = "Session Commit";
        ulong? head = Resolve("MiState") is ulong state && Type("_MI_SYSTEM_INFORMATION") is { } info && KernelFields.OffsetOf(info, "Vs.SessionWsList") is ulong off
            ? state + off : Resolve("MiSessionWsList");
        string source = Resolve("MiState") != null ? "nt!MiState.Vs.SessionWsList" : "nt!MiSessionWsList";
        var space = Type("_MM_SESSION_SPACE");
        if (head is not ulong h || space == null || KernelFields.OffsetOf(space, "WsListEntry") is not ulong links || !KernelFields.Has(space, "CommittedPages"))
            return new VmCounter(label, null, null, "this kernel's symbols have no session working-set list (nt!MiState.Vs.SessionWsList, nt!MiSessionWsList) with _MM_SESSION_SPACE.WsListEntry/CommittedPages");
        ulong total = 0;
        var seen = new HashSet<ulong>();
        ulong? link = ReadPointer(h, source, out string? problem);
        while (link is ulong l && l != h)
        {
            if (!seen.Add(l) || seen.Count > MaxSessions) return new VmCounter(label, null, source, $"the session list at {Hex.Pointer(h, 8)} loops or runs past {MaxSessions} entries");
            var notes = new List<string>();
            if (Fields(notes).Read(space, l - links, "CommittedPages") is not ulong pages) return new VmCounter(label, null, source, notes.LastOrDefault());
            total += pages;
            link = ReadPointer(l, "a session list link", out problem);
        }
        return link == null ? new VmCounter(label, null, source, problem) : new VmCounter(label, total, source, null);
    }

    private List<VmPageFile> PageFiles(out string? unavailable)
    {
        var partition = VmSource.Partition("Vp.NumberOfPagingFiles");
        ulong? count;
        ulong array;
        if (Applies(partition) && Type("_MI_PARTITION") is { } p && KernelFields.OffsetOf(p, "Vp.PagingFile") is ulong arrayOffset)
        {
            count = Read(partition, out unavailable);
            array = Resolve("MiSystemPartition")!.Value + arrayOffset;
        }
        else if (Resolve("MmNumberOfPagingFiles") is ulong c && Resolve("MmPagingFile") is ulong a)
        {
            count = ReadNumber(c, 4, "nt!MmNumberOfPagingFiles", out unavailable);
            array = a;
        }
        else
        {
            unavailable = "this kernel's symbols have neither nt!MiSystemPartition.Vp.PagingFile nor nt!MmPagingFile";
            return [];
        }
        var type = Type("_MMPAGING_FILE");
        if (count is not ulong n) return [];
        if (type == null)
        {
            unavailable = "nt!_MMPAGING_FILE is not in the kernel's symbols";
            return [];
        }
        var files = new List<VmPageFile>();
        for (ulong i = 0; i < Math.Min(n, MaxPagingFiles); i++)
        {
            if (ReadPointer(array + i * (ulong)session.PointerSize, "a paging file pointer", out string? problem) is not ulong file || file == 0)
            {
                unavailable = problem ?? $"paging file {i} has a null pointer";
                continue;
            }
            var notes = new List<string>();
            var f = Fields(notes);
            files.Add(new VmPageFile(FileName(type, file), f.Read(type, file, "Size"), f.Read(type, file, "FreeSpace"), f.Read(type, file, "MinimumSize"), f.Read(type, file, "MaximumSize")));
        }
        if (n > MaxPagingFiles) unavailable = $"the paging file count {n} exceeds the kernel's limit of {MaxPagingFiles}";
        return files;
    }

    private string? FileName(UdtType type, ulong file)
    {
        if (KernelFields.OffsetOf(type, "PageFileName") is not ulong off) return null;
        var s = new byte[16];
        if (session.Memory.Read(file + off, s, out _) < s.Length) return null;
        return Targets.Kernel.KernelModuleListWalker.ReadUnicodeString(session.Memory, s, session.PointerSize);
    }
}
