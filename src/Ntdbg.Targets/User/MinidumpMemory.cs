using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Minidump;

namespace Ntdbg.Targets.User;

/// <summary>
/// The process memory a minidump holds: MemoryList and Memory64List ranges merged into one sorted,
/// non-overlapping index. Reads binary-search it and copy from the mapped file; chunks are spans of
/// the mapped file itself. Addresses outside every range fault as NotInDump; range data beyond the
/// end of a truncated file faults as Truncated.
/// </summary>
public sealed class MinidumpMemory : IVirtualMemory
{
    /// <summary>Largest span handed to a chunk visitor at once.</summary>
    private const long MaxChunk = 1L << 30;

    private readonly MappedFile _file;
    private readonly ulong[] _starts;
    private readonly ulong[] _ends;
    private readonly long[] _offsets;

    public MinidumpMemory(MappedFile file, IEnumerable<MinidumpMemoryRange> ranges)
    {
        _file = file;
        var sorted = ranges.Where(r => r.Size > 0).OrderBy(r => r.Start).ThenByDescending(r => r.Size).ToList();
        var merged = new List<MinidumpMemoryRange>(sorted.Count);
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.Start < merged[^1].End)
            {
                // Overlap (a stack listed twice, a region in both lists): keep the earlier bytes, add only the tail.
                ulong prevEnd = merged[^1].End;
                if (r.End <= prevEnd) continue;
                ulong skip = prevEnd - r.Start;
                merged.Add(new MinidumpMemoryRange(prevEnd, r.Size - skip, r.FileOffset + (long)skip));
            }
            else merged.Add(r);
        }
        Ranges = merged;
        _starts = merged.Select(r => r.Start).ToArray();
        _ends = merged.Select(r => r.End).ToArray();
        _offsets = merged.Select(r => r.FileOffset).ToArray();
    }

    public string Name => "user dump";

    /// <summary>The merged index: sorted, disjoint.</summary>
    public IReadOnlyList<MinidumpMemoryRange> Ranges { get; }

    /// <summary>Bytes of memory the dump describes (including any cut off by truncation).</summary>
    public ulong TotalBytes => Ranges.Aggregate(0UL, (sum, r) => sum + r.Size);

    public bool Contains(ulong address)
    {
        int i = Find(address);
        return i >= 0 && address < _ends[i];
    }

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        fault = null;
        int done = 0;
        ulong addr = address;
        while (done < destination.Length)
        {
            int i = Find(addr);
            if (i < 0 || addr >= _ends[i])
            {
                fault = new MemoryFault(addr, MemoryFaultKind.NotInDump, "the address lies in no memory range the dump holds", Name);
                return done;
            }
            ulong inRange = _ends[i] - addr;
            int want = (int)Math.Min((ulong)(destination.Length - done), inRange);
            long fileOffset = _offsets[i] + (long)(addr - _starts[i]);
            var data = _file.SpanClamped(fileOffset, want);
            data.CopyTo(destination[done..]);
            done += data.Length;
            if (data.Length < want)
            {
                fault = TruncatedFault(addr + (ulong)data.Length, fileOffset + data.Length);
                return done;
            }
            addr += (ulong)want;
            if (addr == 0) break; // wrapped past the top of the address space
        }
        if (done < destination.Length)
            fault = new MemoryFault(addr, MemoryFaultKind.NotInDump, "the read runs past the top of the address space", Name);
        return done;
    }

    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor)
    {
        if (end <= start) return;
        int i = Find(start);
        if (i < 0 || start >= _ends[i]) i++;
        for (; i < _starts.Length && _starts[i] < end; i++)
        {
            ulong a = Math.Max(start, _starts[i]);
            ulong b = Math.Min(end, _ends[i]);
            while (a < b)
            {
                long len = (long)Math.Min(b - a, (ulong)MaxChunk);
                var data = _file.SpanClamped(_offsets[i] + (long)(a - _starts[i]), len);
                if (data.Length > 0 && !visitor(a, data)) return;
                if (data.Length < len) break; // the rest of this range is past the end of the file
                a += (ulong)len;
            }
        }
    }

    private MemoryFault TruncatedFault(ulong address, long fileOffset) => new(address, MemoryFaultKind.Truncated,
        $"the dump file ends at 0x{_file.Length:x}, before this memory's data at file offset 0x{fileOffset:x}", Name);

    /// <summary>Index of the last range starting at or below <paramref name="address"/>, or -1.</summary>
    private int Find(ulong address)
    {
        int lo = 0, hi = _starts.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (_starts[mid] <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
