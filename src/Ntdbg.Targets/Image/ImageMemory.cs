using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Targets.Image;

/// <summary>
/// A PE file mapped as the loader would: headers at the base, each section at base + RVA, the
/// bytes past a section's raw data (up to its aligned virtual size) zero — that zero-fill is the
/// section's real content by PE semantics. Addresses outside the headers and sections are holes.
/// </summary>
public sealed class ImageMemory : IVirtualMemory
{
    /// <summary>One mapped piece: [Start, End) relative to the base; file bytes for the first FileLength bytes.</summary>
    private readonly record struct Region(ulong Start, ulong End, long FileOffset, long FileLength);

    private readonly MappedFile _file;
    private readonly Region[] _regions;

    public ImageMemory(MappedFile file, PeImage image, ulong baseAddress)
    {
        _file = file;
        Base = baseAddress;
        uint alignment = image.OptionalHeader.SectionAlignment;
        if (alignment == 0 || (alignment & (alignment - 1)) != 0) alignment = 0x1000;
        var regions = new List<Region>();
        ulong headerEnd = Align(image.OptionalHeader.SizeOfHeaders, alignment);
        regions.Add(new Region(0, headerEnd, 0, Math.Min(image.OptionalHeader.SizeOfHeaders, file.Length)));
        foreach (var s in image.Sections)
        {
            ulong start = s.VirtualAddress;
            ulong end = start + Align(s.VirtualExtent, alignment);
            long raw = Math.Min(s.SizeOfRawData, (long)(end - start));
            raw = Math.Max(0, Math.Min(raw, file.Length - s.PointerToRawData));
            regions.Add(new Region(start, end, s.PointerToRawData, raw));
        }
        // Sort and drop overlaps (a hostile table may overlap sections; the first mapping wins).
        regions.Sort((a, b) => a.Start.CompareTo(b.Start));
        var clean = new List<Region>();
        ulong covered = 0;
        foreach (var r in regions)
        {
            if (r.End <= covered && clean.Count > 0) continue;
            ulong start = Math.Max(r.Start, clean.Count > 0 ? covered : 0);
            long skip = (long)(start - r.Start);
            clean.Add(new Region(start, r.End, r.FileOffset + skip, Math.Max(0, r.FileLength - skip)));
            covered = r.End;
        }
        _regions = clean.ToArray();
        Size = _regions.Length == 0 ? 0 : _regions[^1].End;
    }

    public string Name => "image";
    public ulong Base { get; }
    /// <summary>Bytes from the base to the end of the last mapped section.</summary>
    public ulong Size { get; }

    private static ulong Align(ulong value, uint alignment) => (value + alignment - 1) & ~((ulong)alignment - 1);

    private int FindRegion(ulong offset)
    {
        for (int i = 0; i < _regions.Length; i++)
            if (offset >= _regions[i].Start && offset < _regions[i].End) return i;
        return -1;
    }

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        fault = null;
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            if (at < Base)
            {
                fault = new MemoryFault(at, MemoryFaultKind.NotInDump, "below the image base", Name);
                return done;
            }
            ulong offset = at - Base;
            int i = FindRegion(offset);
            if (i < 0)
            {
                fault = new MemoryFault(at, MemoryFaultKind.NotInDump, "not inside the image's headers or sections", Name);
                return done;
            }
            var r = _regions[i];
            int n = (int)Math.Min((ulong)(destination.Length - done), r.End - offset);
            var target = destination.Slice(done, n);
            long inRegion = (long)(offset - r.Start);
            long fromFile = Math.Clamp(r.FileLength - inRegion, 0, n);
            if (fromFile > 0) _file.Span(r.FileOffset + inRegion, (int)fromFile, "image bytes").CopyTo(target);
            target[(int)fromFile..].Clear(); // zero-fill inside the virtual size: real content by PE semantics
            done += n;
        }
        return done;
    }

    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor)
    {
        foreach (var r in _regions)
        {
            ulong rs = Base + r.Start, re = Base + r.End;
            ulong s = Math.Max(rs, start), e = Math.Min(re, end);
            if (s >= e) continue;
            // File-backed part visited in place; the zero-fill tail from a shared zero buffer.
            ulong fileEnd = rs + (ulong)r.FileLength;
            if (s < fileEnd)
            {
                ulong fe = Math.Min(e, fileEnd);
                long off = r.FileOffset + (long)(s - rs);
                for (ulong p = s; p < fe;)
                {
                    int n = (int)Math.Min(fe - p, 1UL << 30);
                    if (!visitor(p, _file.Span(off + (long)(p - s), n, "image bytes"))) return;
                    p += (ulong)n;
                }
                s = fe;
            }
            var zeros = new byte[0x1000];
            for (ulong p = s; p < e;)
            {
                int n = (int)Math.Min(e - p, (ulong)zeros.Length);
                if (!visitor(p, zeros.AsSpan(0, n))) return;
                p += (ulong)n;
            }
        }
    }
}
