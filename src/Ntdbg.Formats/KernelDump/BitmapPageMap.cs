using System.Numerics;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.KernelDump;

/// <summary>
/// Pages of a bitmap dump: bit N set means page frame N is stored; stored pages follow each other
/// in PFN order from the first-page offset. Indexed once with a rank table (set bits before each
/// block of 8 words = 512 pages) so PFN → file offset is O(1): one table read and at most eight
/// popcounts. The table costs 1/64 of the bitmap's own size.
/// </summary>
public sealed class BitmapPageMap : IPhysicalPageMap
{
    private readonly ulong[] _words;
    private const int WordsPerBlock = 8;
    private readonly ulong[] _blockRank; // set bits in blocks [0, i)
    private readonly long _firstPageOffset;
    private readonly ulong _bitCount;

    public BitmapPageMap(ReadOnlySpan<byte> bitmap, ulong bitCount, long firstPageOffset)
    {
        _bitCount = bitCount;
        _firstPageOffset = firstPageOffset;
        int wordCount = (int)((bitCount + 63) / 64);
        _words = new ulong[wordCount];
        _blockRank = new ulong[wordCount / WordsPerBlock + 1];
        ulong total = 0;
        for (int w = 0; w < wordCount; w++)
        {
            int start = w * 8;
            ulong v;
            if (start + 8 <= bitmap.Length) v = Le.U64(bitmap, start);
            else
            {
                v = 0;
                for (int b = start; b < bitmap.Length; b++) v |= (ulong)bitmap[b] << (8 * (b - start));
            }
            if (w == wordCount - 1 && bitCount % 64 != 0) v &= (1UL << (int)(bitCount % 64)) - 1; // padding bits
            _words[w] = v;
            if (w % WordsPerBlock == 0) _blockRank[w / WordsPerBlock] = total;
            total += (ulong)BitOperations.PopCount(v);
        }
        PresentPageCount = total;
        EndOfPageData = firstPageOffset + (long)PresentPageCount * RunPageMap.PageSize;
    }

    public ulong PresentPageCount { get; }
    public long EndOfPageData { get; }
    public ulong BitCount => _bitCount;

    public bool TryGetFileOffset(ulong pfn, out long fileOffset)
    {
        fileOffset = 0;
        if (pfn >= _bitCount) return false;
        int w = (int)(pfn / 64);
        int bit = (int)(pfn % 64);
        ulong word = _words[w];
        if ((word & (1UL << bit)) == 0) return false;
        ulong index = _blockRank[w / WordsPerBlock] + (ulong)BitOperations.PopCount(word & ((1UL << bit) - 1));
        for (int i = w - w % WordsPerBlock; i < w; i++) index += (ulong)BitOperations.PopCount(_words[i]);
        fileOffset = _firstPageOffset + (long)index * RunPageMap.PageSize;
        return true;
    }

    public IEnumerable<PresentPageRun> RunsFrom(ulong fromPfn)
    {
        ulong pfn = fromPfn;
        while (pfn < _bitCount)
        {
            int w = (int)(pfn / 64);
            ulong word = _words[w] & (~0UL << (int)(pfn % 64));
            if (word == 0) { pfn = (ulong)(w + 1) * 64; continue; }
            ulong start = (ulong)w * 64 + (ulong)BitOperations.TrailingZeroCount(word);
            // Extend the run while bits stay set.
            ulong end = start;
            while (end < _bitCount)
            {
                int ew = (int)(end / 64);
                ulong rest = ~_words[ew] & (~0UL << (int)(end % 64));
                if (rest == 0) { end = (ulong)(ew + 1) * 64; continue; }
                end = (ulong)ew * 64 + (ulong)BitOperations.TrailingZeroCount(rest);
                break;
            }
            end = Math.Min(end, _bitCount);
            TryGetFileOffset(start, out long offset);
            yield return new PresentPageRun(start, end - start, offset);
            pfn = end;
        }
    }
}
