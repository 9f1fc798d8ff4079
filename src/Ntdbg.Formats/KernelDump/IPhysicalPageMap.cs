namespace Ntdbg.Formats.KernelDump;

/// <summary>A stretch of present physical pages stored back to back in the file.</summary>
public readonly record struct PresentPageRun(ulong FirstPfn, ulong PageCount, long FileOffset);

/// <summary>
/// Where each physical page of a dump lies in the file. Offsets may point past the end of a
/// truncated file: the caller compares them with the file length and reports truncation.
/// </summary>
public interface IPhysicalPageMap
{
    /// <summary>Number of pages the dump stores.</summary>
    ulong PresentPageCount { get; }
    /// <summary>File offset of the page with frame number <paramref name="pfn"/>, or false when the dump lacks it.</summary>
    bool TryGetFileOffset(ulong pfn, out long fileOffset);
    /// <summary>Present pages from <paramref name="fromPfn"/> upward, in PFN order, as runs contiguous both in PFN and in the file.</summary>
    IEnumerable<PresentPageRun> RunsFrom(ulong fromPfn);
    /// <summary>File offset just past the last stored page (what the file must reach to be whole).</summary>
    long EndOfPageData { get; }
}
