namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Writes a <see cref="SyntheticMemoryCounters"/> where the build's kernel keeps those counters:
/// Windows 7 and 8.1 in nt!Mm*/Mi* globals and the pool descriptors (nt!ExpPagedPoolDescriptor,
/// nt!ExpNonPagedPoolDescriptor), Windows 10 and 11 in nt!MiState (_MI_SYSTEM_INFORMATION) and
/// nt!MiSystemPartition (_MI_PARTITION). Each counter goes to the first place in its list the
/// build's table has; a counter the build has no place for is not written (the dump then
/// cannot show it). <see cref="Written"/> says, by `!vm` label, what was written.
/// </summary>
public sealed class MemoryCountersWriter(KernelVariableWriter w)
{
    private const string State = "_MI_SYSTEM_INFORMATION", Partition = "_MI_PARTITION";

    /// <summary>`!vm` label → pages written (only the counters this build holds).</summary>
    public Dictionary<string, ulong> Written { get; } = [];

    private sealed record Place(string Symbol, string? Type = null, string? Path = null, int Size = 8);

    private static Place InState(string path) => new("MiState", State, path);
    private static Place InPartition(string path) => new("MiSystemPartition", Partition, path);

    public void Write(SyntheticMemoryCounters c)
    {
        Set("Physical Memory", c.PhysicalPages, InPartition("Vp.NumberOfPhysicalPages"), new("MmNumberOfPhysicalPages", Size: 4));
        Set("Available Pages", c.AvailablePages, InPartition("Vp.AvailablePages"), new("MmAvailablePages"));
        Set("ResAvail Pages", c.ResidentAvailablePages, InPartition("Vp.ResidentAvailablePages"), new("MmResidentAvailablePages"));
        Set("Free System PTEs", c.FreeSystemPtes, InState("Vs.SystemPteInfo.TotalFreeSystemPtes"), new("MiSystemPteInfo", "_MI_SYSTEM_PTE_TYPE", "TotalFreeSystemPtes"));
        Set("Modified Pages", c.ModifiedPages, InPartition("Vp.ModifiedPageListHead.Total"), new("MmModifiedPageListHead", "_MMPFNLIST", "Total"));
        Set("Modified PF Pages", c.ModifiedPagefilePages, InPartition("Vp.TotalPagesForPagingFile"), new("MmTotalPagesForPagingFile"));
        Set("NonPagedPool Max", c.NonPagedPoolMaximumPages, InState("Vs.MaximumNonPagedPoolInPages"), new("MmMaximumNonPagedPoolInPages"));
        Pools(c);
        Set("PagedPool Maximum", c.PagedPoolMaximumPages, InState("Vs.SizeOfPagedPoolInPages"), new("MmSizeOfPagedPoolInPages"));
        Sessions(c.SessionCommits);
        Set("Shared Commit", c.SharedCommit, InPartition("Vp.SharedCommit"), new("MmSharedCommit"));
        Set("Special Pool", c.SpecialPoolPages, new Place("MmSpecialPagesInUse"));
        Set("Kernel Stacks", c.KernelStackPages, new Place("MmKernelStackPages"), new("MiKernelStackPages"));
        Set("Shared Process", c.ProcessCommit, InState("Vs.ProcessCommit"), new("MmProcessCommit"));
        Set("PagedPool Commit", c.PagedPoolCommit, new Place("MmPagedPoolCommit"), InState("Vs.PagedPoolInfo.PagedPoolCommit"));
        Set("Driver Commit", c.DriverCommit, InState("Vs.DriverCommit"), new("MmDriverCommit", Size: 4));
        Set("Boot Commit", c.BootCommit, InState("Vs.BootCommit"));
        Set("Committed pages", c.CommittedPages, InPartition("Vp.TotalCommittedPages"), new("MmTotalCommittedPages"));
        Set("Commit limit", c.CommitLimit, InPartition("Vp.TotalCommitLimit"), new("MmTotalCommitLimit"));
        PageFiles(c.PageFiles);
    }

    private void Set(string label, ulong value, params Place[] places)
    {
        foreach (var p in places)
        {
            if (!w.Has(p.Symbol, p.Type, p.Path)) continue;
            w.WriteVariable(p.Symbol, p.Type, p.Path, value, p.Size);
            Written[label] = value;
            return;
        }
    }

    // Windows 7/8.1: one _POOL_DESCRIPTOR per paged pool (ExpNumberOfPagedPools + 1 of them) and
    // per node for non-paged pool; later kernels keep only the totals in nt!MiState.
    private void Pools(SyntheticMemoryCounters c)
    {
        ulong pagedTotal = c.PagedPools.Aggregate(0UL, (a, b) => a + b);
        Set("NonPagedPool Usage", c.NonPagedPoolPages, InState("Pools.AllocatedNonPagedPool"));
        bool descriptors = w.Layout.HasType("_POOL_DESCRIPTOR") && w.Layout.HasField("_POOL_DESCRIPTOR", "TotalPages") && w.Layout.HasField("_POOL_DESCRIPTOR", "TotalBigPages");
        if (descriptors && w.Has("ExpPagedPoolDescriptor") && w.Has("ExpNumberOfPagedPools"))
        {
            w.WriteVariable("ExpNumberOfPagedPools", null, null, (ulong)c.PagedPools.Count - 1, 4);
            for (int i = 0; i < c.PagedPools.Count; i++)
            {
                w.Write(w.Symbol("ExpPagedPoolDescriptor")!.Value + 8 * (ulong)i, Descriptor(c.PagedPools[i], paged: true), 8);
                Written[$"PagedPool {i} Usage"] = c.PagedPools[i];
            }
            Written["PagedPool Usage"] = pagedTotal;
        }
        else Set("PagedPool Usage", pagedTotal, InState("Vs.PagedPoolInfo.AllocatedPagedPool"));
        if (!Written.ContainsKey("NonPagedPool Usage") && descriptors && w.Has("ExpNonPagedPoolDescriptor") && w.Has("ExpNumberOfNonPagedPools"))
        {
            w.WriteVariable("ExpNumberOfNonPagedPools", null, null, 1, 4);
            w.Write(w.Symbol("ExpNonPagedPoolDescriptor")!.Value, Descriptor(c.NonPagedPoolPages, paged: false), 8);
            Written["NonPagedPool Usage"] = c.NonPagedPoolPages;
        }
    }

    // Pages in use are TotalPages + TotalBigPages: split so a reader that ignores either is caught.
    private ulong Descriptor(ulong pages, bool paged)
    {
        ulong d = w.Allocate(w.Layout.SizeOf("_POOL_DESCRIPTOR"));
        w.WriteField(d, "_POOL_DESCRIPTOR", "PoolType", paged ? 1UL : 0UL);
        w.WriteField(d, "_POOL_DESCRIPTOR", "TotalBigPages", pages / 3);
        w.WriteField(d, "_POOL_DESCRIPTOR", "TotalPages", pages - pages / 3);
        return d;
    }

    // Session commit: session spaces on the session working-set list, each with CommittedPages.
    private void Sessions(IReadOnlyList<ulong> commits)
    {
        ulong head;
        if (w.Has("MiState", State, "Vs.SessionWsList")) head = w.Symbol("MiState")!.Value + w.Layout.OffsetOf(State, "Vs.SessionWsList");
        else if (w.Has("MiSessionWsList")) head = w.Symbol("MiSessionWsList")!.Value;
        else return;
        const string space = "_MM_SESSION_SPACE";
        ulong links = w.Layout.OffsetOf(space, "WsListEntry");
        var entries = commits.Select((pages, i) =>
        {
            ulong s = w.Allocate(w.Layout.SizeOf(space));
            w.WriteField(s, space, "SessionId", (ulong)i);
            w.WriteField(s, space, "CommittedPages", pages);
            return s + links;
        }).ToList();
        ulong Link(int i) => i < 0 || i >= entries.Count ? head : entries[i];
        w.Write(head, Link(0), 8);
        w.Write(head + 8, Link(entries.Count - 1), 8);
        for (int i = 0; i < entries.Count; i++)
        {
            w.Write(entries[i], Link(i + 1), 8);
            w.Write(entries[i] + 8, Link(i - 1), 8);
        }
        Written["Session Commit"] = commits.Aggregate(0UL, (a, b) => a + b);
    }

    private void PageFiles(IReadOnlyList<SyntheticPageFile> files)
    {
        ulong array;
        if (w.Has("MiSystemPartition", Partition, "Vp.PagingFile"))
        {
            w.WriteVariable("MiSystemPartition", Partition, "Vp.NumberOfPagingFiles", (ulong)files.Count);
            array = w.Symbol("MiSystemPartition")!.Value + w.Layout.OffsetOf(Partition, "Vp.PagingFile");
        }
        else if (w.Has("MmPagingFile") && w.Has("MmNumberOfPagingFiles"))
        {
            w.WriteVariable("MmNumberOfPagingFiles", null, null, (ulong)files.Count, 4);
            array = w.Symbol("MmPagingFile")!.Value;
        }
        else return;
        const string type = "_MMPAGING_FILE";
        for (int i = 0; i < files.Count; i++)
        {
            var f = files[i];
            ulong o = w.Allocate(w.Layout.SizeOf(type));
            w.WriteField(o, type, "Size", f.CurrentPages);
            w.WriteField(o, type, "FreeSpace", f.FreePages);
            w.WriteField(o, type, "MinimumSize", f.MinimumPages);
            w.WriteField(o, type, "MaximumSize", f.MaximumPages);
            w.WriteUnicodeString(o + w.Layout.OffsetOf(type, "PageFileName"), f.Name);
            w.Write(array + 8 * (ulong)i, o, 8);
        }
    }
}
