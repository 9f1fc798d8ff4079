using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;

namespace Ntdbg.Targets.Kernel;

/// <summary>One stretch of virtual memory a triage dump saved: <see cref="Size"/> bytes at file <see cref="FileOffset"/>.</summary>
public readonly record struct TriageSegment(ulong Address, long FileOffset, ulong Size, string Source)
{
    public ulong End => Address + Size;
}

/// <summary>
/// Virtual memory of a triage dump: no page tables, only the saved pieces (data blocks, the
/// stack, the PRCB/process/thread copies) at their virtual addresses. Overlaps are resolved by
/// keeping the piece that starts first. Pieces cut off by a truncated file fault as Truncated.
/// </summary>
public sealed class TriageMemory : IVirtualMemory
{
    private readonly MappedFile _file;
    private readonly TriageSegment[] _segments; // sorted, non-overlapping

    public TriageMemory(MappedFile file, IEnumerable<TriageSegment> segments)
    {
        _file = file;
        var sorted = segments.Where(s => s.Size > 0 && s.Address + s.Size > s.Address).OrderBy(s => s.Address).ThenByDescending(s => s.Size).ToList();
        var list = new List<TriageSegment>(sorted.Count);
        ulong covered = 0;
        bool any = false;
        foreach (var s in sorted)
        {
            var seg = s;
            if (any && seg.Address < covered)
            {
                if (seg.End <= covered) continue;
                ulong skip = covered - seg.Address;
                seg = new TriageSegment(covered, seg.FileOffset + (long)skip, seg.Size - skip, seg.Source);
            }
            list.Add(seg);
            covered = seg.End;
            any = true;
        }
        _segments = list.ToArray();
    }

    public string Name => "triage dump memory";
    public IReadOnlyList<TriageSegment> Segments => _segments;

    private int Find(ulong address)
    {
        int lo = 0, hi = _segments.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_segments[mid].Address <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        int done = 0;
        fault = null;
        while (done < destination.Length)
        {
            ulong a = address + (ulong)done;
            int i = Find(a);
            if (i < 0 || a >= _segments[i].End)
            {
                fault = new MemoryFault(a, MemoryFaultKind.NotInDump, "a triage dump holds only the saved stack, PRCB/thread/process copies and data blocks; this address is in none of them", Name);
                break;
            }
            var seg = _segments[i];
            ulong inSeg = a - seg.Address;
            int n = (int)Math.Min(seg.Size - inSeg, (ulong)(destination.Length - done));
            long fileOffset = seg.FileOffset + (long)inSeg;
            var span = _file.SpanClamped(fileOffset, n);
            span.CopyTo(destination[done..]);
            done += span.Length;
            if (span.Length < n)
            {
                fault = new MemoryFault(a + (ulong)span.Length, MemoryFaultKind.Truncated,
                    $"{seg.Source} is stored at file offset 0x{fileOffset + span.Length:x}, past the end of the truncated dump (file size 0x{_file.Length:x})", Name);
                break;
            }
        }
        return done;
    }

    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor)
    {
        int i = Math.Max(Find(start), 0);
        for (; i < _segments.Length; i++)
        {
            var seg = _segments[i];
            if (seg.Address >= end) return;
            if (seg.End <= start) continue;
            ulong from = Math.Max(seg.Address, start), to = Math.Min(seg.End, end);
            var span = _file.SpanClamped(seg.FileOffset + (long)(from - seg.Address), (long)(to - from));
            if (span.Length > 0 && !visitor(from, span)) return;
        }
    }
}
