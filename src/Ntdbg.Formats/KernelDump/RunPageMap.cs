using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.KernelDump;

/// <summary>
/// Pages stored as runs of consecutive frames, each run's pages back to back in the file (full
/// dumps, RDMP dumps). Lookup is a binary search over the runs.
/// </summary>
public sealed class RunPageMap : IPhysicalPageMap
{
    private readonly PresentPageRun[] _runs; // sorted by FirstPfn, non-overlapping

    public const int PageSize = 0x1000;

    /// <param name="runs">Runs in file order (their pages follow each other from <paramref name="firstPageOffset"/>).</param>
    public RunPageMap(string file, long descriptorOffset, IReadOnlyList<PhysicalMemoryRun> runs, long firstPageOffset)
    {
        var list = new List<PresentPageRun>(runs.Count);
        long offset = firstPageOffset;
        ulong total = 0;
        foreach (var r in runs)
        {
            if (r.PageCount == 0) continue;
            list.Add(new PresentPageRun(r.BasePage, r.PageCount, offset));
            if (r.PageCount > (ulong)(long.MaxValue / PageSize) || offset > long.MaxValue - (long)r.PageCount * PageSize)
                throw new DumpFormatException(file, descriptorOffset, $"physical memory run at page 0x{r.BasePage:x} with 0x{r.PageCount:x} pages overflows the file offset range");
            offset += (long)r.PageCount * PageSize;
            total += r.PageCount;
        }
        list.Sort((a, b) => a.FirstPfn.CompareTo(b.FirstPfn));
        for (int i = 1; i < list.Count; i++)
            if (list[i].FirstPfn < list[i - 1].FirstPfn + list[i - 1].PageCount)
                throw new DumpFormatException(file, descriptorOffset, $"physical memory runs overlap at page 0x{list[i].FirstPfn:x}");
        _runs = list.ToArray();
        PresentPageCount = total;
        EndOfPageData = offset;
    }

    public ulong PresentPageCount { get; }
    public long EndOfPageData { get; }
    public IReadOnlyList<PresentPageRun> Runs => _runs;

    public bool TryGetFileOffset(ulong pfn, out long fileOffset)
    {
        int i = FindRunAtOrBefore(pfn);
        if (i >= 0 && pfn - _runs[i].FirstPfn < _runs[i].PageCount)
        {
            fileOffset = _runs[i].FileOffset + (long)(pfn - _runs[i].FirstPfn) * PageSize;
            return true;
        }
        fileOffset = 0;
        return false;
    }

    public IEnumerable<PresentPageRun> RunsFrom(ulong fromPfn)
    {
        int i = Math.Max(FindRunAtOrBefore(fromPfn), 0);
        for (; i < _runs.Length; i++)
        {
            var r = _runs[i];
            if (r.FirstPfn + r.PageCount <= fromPfn) continue;
            if (r.FirstPfn >= fromPfn) { yield return r; continue; }
            ulong skip = fromPfn - r.FirstPfn;
            yield return new PresentPageRun(fromPfn, r.PageCount - skip, r.FileOffset + (long)skip * PageSize);
        }
    }

    private int FindRunAtOrBefore(ulong pfn)
    {
        int lo = 0, hi = _runs.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_runs[mid].FirstPfn <= pfn) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
