using System.Buffers.Binary;

namespace Ntdbg.Synth.Heaps;

/// <summary>A process's committed pages for a synthetic heap: writes land in 4 KiB pages; regions come out merged and in address order.</summary>
public sealed class SparsePages
{
    public const ulong PageSize = 0x1000;
    private readonly SortedDictionary<ulong, byte[]> _pages = [];

    /// <summary>Makes [start, end) committed (zero-filled where nothing was written).</summary>
    public void Commit(ulong start, ulong end)
    {
        for (ulong p = start & ~(PageSize - 1); p < end; p += PageSize)
            if (!_pages.ContainsKey(p)) _pages[p] = new byte[PageSize];
    }

    public void Write(ulong address, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            ulong at = address + (ulong)done;
            ulong page = at & ~(PageSize - 1);
            if (!_pages.TryGetValue(page, out var bytes)) _pages[page] = bytes = new byte[PageSize];
            int inPage = (int)(at - page), n = Math.Min((int)PageSize - inPage, data.Length - done);
            data.Slice(done, n).CopyTo(bytes.AsSpan(inPage));
            done += n;
        }
    }

    public void WriteUInt64(ulong address, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Write(address, b);
    }

    public void WriteUInt32(ulong address, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Write(address, b);
    }

    public void WriteUInt16(ulong address, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        Write(address, b);
    }

    public void WriteByte(ulong address, byte value) => Write(address, [value]);

    public ulong ReadUInt64(ulong address)
    {
        ulong page = address & ~(PageSize - 1);
        return BinaryPrimitives.ReadUInt64LittleEndian(_pages[page].AsSpan((int)(address - page)));
    }

    /// <summary>Drops a page (a page the dump does not hold).</summary>
    public void Remove(ulong page) => _pages.Remove(page & ~(PageSize - 1));

    public bool Has(ulong address) => _pages.ContainsKey(address & ~(PageSize - 1));

    /// <summary>Contiguous runs of pages, merged.</summary>
    public IReadOnlyList<(ulong Address, byte[] Data)> Regions()
    {
        var regions = new List<(ulong, byte[])>();
        ulong? start = null, next = null;
        var run = new List<byte[]>();
        void Flush()
        {
            if (start is { } s) regions.Add((s, [.. run.SelectMany(p => p)]));
            run.Clear();
        }
        foreach (var (page, bytes) in _pages)
        {
            if (page != next) { Flush(); start = page; }
            run.Add(bytes);
            next = page + PageSize;
        }
        Flush();
        return regions;
    }

    /// <summary>Writes a LIST_ENTRY chain: the head and each link, Flink/Blink both ways (a circular list).</summary>
    public void LinkList(ulong head, IReadOnlyList<ulong> links)
    {
        var all = new List<ulong> { head };
        all.AddRange(links);
        for (int i = 0; i < all.Count; i++)
        {
            WriteUInt64(all[i], all[(i + 1) % all.Count]);
            WriteUInt64(all[i] + 8, all[(i + all.Count - 1) % all.Count]);
        }
    }
}
