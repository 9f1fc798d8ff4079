using System.Buffers.Binary;

namespace Ntdbg.Synth.Kernel;

/// <summary>A sparse physical memory of 4 KiB pages, the raw material of a synthetic kernel dump.</summary>
public sealed class SyntheticPhysicalMemory
{
    public const int PageSize = 0x1000;
    private readonly SortedDictionary<ulong, byte[]> _pages = new();
    private ulong _nextFree;

    /// <param name="firstFreePfn">Where <see cref="AllocatePage"/> starts handing out frames.</param>
    public SyntheticPhysicalMemory(ulong firstFreePfn = 0x100) => _nextFree = firstFreePfn;

    /// <summary>Frames present in the dump, ascending.</summary>
    public IEnumerable<ulong> Frames => _pages.Keys;
    public IReadOnlyDictionary<ulong, byte[]> Pages => _pages;

    /// <summary>A fresh zeroed page; frames listed in <paramref name="skip"/> are never handed out.</summary>
    public ulong AllocatePage()
    {
        while (_pages.ContainsKey(_nextFree)) _nextFree++;
        ulong pfn = _nextFree++;
        _pages[pfn] = new byte[PageSize];
        return pfn;
    }

    /// <summary>The page for a frame, created (zeroed) if absent.</summary>
    public byte[] Page(ulong pfn)
    {
        if (!_pages.TryGetValue(pfn, out var page)) _pages[pfn] = page = new byte[PageSize];
        return page;
    }

    /// <summary>Drops a frame so the dump will not hold it.</summary>
    public void Remove(ulong pfn) => _pages.Remove(pfn);

    public void Write(ulong physicalAddress, ReadOnlySpan<byte> data)
    {
        for (int done = 0; done < data.Length;)
        {
            ulong pa = physicalAddress + (ulong)done;
            int inPage = (int)(pa % PageSize);
            int n = Math.Min(PageSize - inPage, data.Length - done);
            data.Slice(done, n).CopyTo(Page(pa / PageSize).AsSpan(inPage));
            done += n;
        }
    }

    public void WriteUInt64(ulong physicalAddress, ulong value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, value);
        Write(physicalAddress, b);
    }

    public void WriteUInt32(ulong physicalAddress, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Write(physicalAddress, b);
    }

    public ulong ReadUInt64(ulong physicalAddress) =>
        _pages.TryGetValue(physicalAddress / PageSize, out var p) ? BinaryPrimitives.ReadUInt64LittleEndian(p.AsSpan((int)(physicalAddress % PageSize))) : 0;

    public uint ReadUInt32(ulong physicalAddress) =>
        _pages.TryGetValue(physicalAddress / PageSize, out var p) ? BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan((int)(physicalAddress % PageSize))) : 0;
}
