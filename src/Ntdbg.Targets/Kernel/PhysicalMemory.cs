using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.KernelDump;

namespace Ntdbg.Targets.Kernel;

/// <summary>
/// Physical memory of a full, bitmap or RDMP dump. Pages the dump does not hold fault with
/// <see cref="MemoryFaultKind.PhysicalPageMissing"/>; pages whose bytes lie past the end of a
/// truncated file fault with <see cref="MemoryFaultKind.Truncated"/> naming the file offset.
/// </summary>
public sealed class PhysicalMemory : IVirtualMemory
{
    public const int PageSize = 0x1000;
    private readonly MappedFile _file;
    private readonly IPhysicalPageMap _pages;

    public PhysicalMemory(MappedFile file, IPhysicalPageMap pages)
    {
        _file = file;
        _pages = pages;
    }

    public string Name => "physical memory";
    public IPhysicalPageMap Pages => _pages;
    /// <summary>Translations of every address space over this memory (the dump never changes, so they stay valid).</summary>
    public TranslationCache Translations { get; } = new();

    /// <summary>The bytes of one whole physical page straight from the file, or a fault.</summary>
    public bool TryGetPage(ulong pfn, out ReadOnlySpan<byte> page, out MemoryFault? fault)
    {
        page = default;
        ulong address = pfn * PageSize;
        if (!_pages.TryGetFileOffset(pfn, out long offset))
        {
            fault = new MemoryFault(address, MemoryFaultKind.PhysicalPageMissing, $"physical page 0x{address:x} (PFN 0x{pfn:x}) is not in the dump", Name);
            return false;
        }
        if (!_file.Contains(offset, PageSize))
        {
            fault = TruncatedFault(address, offset);
            return false;
        }
        page = _file.Span(offset, PageSize, "physical page");
        fault = null;
        return true;
    }

    /// <summary>
    /// A little-endian value of 4 or 8 bytes inside one page (a paging-structure entry), without
    /// building a fault: false sends the caller to <see cref="Read"/> for the reason.
    /// </summary>
    public bool TryReadEntry(ulong address, int size, out ulong value)
    {
        value = 0;
        int inPage = (int)(address % PageSize);
        if (inPage + size > PageSize || !_pages.TryGetFileOffset(address / PageSize, out long offset) || !_file.Contains(offset + inPage, size)) return false;
        var bytes = _file.Span(offset + inPage, size, "paging-structure entry");
        value = size == 8 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        return true;
    }

    private MemoryFault TruncatedFault(ulong address, long offset) =>
        new(address, MemoryFaultKind.Truncated,
            $"physical page 0x{address & ~(ulong)(PageSize - 1):x} is stored at file offset 0x{offset:x}, past the end of the truncated dump (file size 0x{_file.Length:x})", Name);

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        int done = 0;
        fault = null;
        while (done < destination.Length)
        {
            ulong a = address + (ulong)done;
            if (a < address) { fault = new MemoryFault(a, MemoryFaultKind.NotInDump, "address wraps past the top of physical memory", Name); break; }
            ulong pfn = a / PageSize;
            int inPage = (int)(a % PageSize);
            int n = Math.Min(PageSize - inPage, destination.Length - done);
            if (!_pages.TryGetFileOffset(pfn, out long offset))
            {
                fault = new MemoryFault(a, MemoryFaultKind.PhysicalPageMissing, $"physical page 0x{pfn * PageSize:x} (PFN 0x{pfn:x}) is not in the dump", Name);
                break;
            }
            var available = _file.SpanClamped(offset + inPage, n);
            available.CopyTo(destination[done..]);
            done += available.Length;
            if (available.Length < n)
            {
                fault = TruncatedFault(a + (ulong)available.Length, offset + inPage + available.Length);
                break;
            }
        }
        return done;
    }

    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor)
    {
        if (end <= start) return;
        foreach (var run in _pages.RunsFrom(start / PageSize))
        {
            ulong runStart = run.FirstPfn * PageSize;
            if (runStart >= end) return;
            ulong runEnd = runStart + run.PageCount * PageSize;
            ulong from = Math.Max(runStart, start), to = Math.Min(runEnd, end);
            long fileFrom = run.FileOffset + (long)(from - runStart);
            // Deliver in bounded pieces so a span never exceeds int range, and stop at the end of the file.
            while (from < to)
            {
                long n = (long)Math.Min(to - from, 1UL << 24);
                var span = _file.SpanClamped(fileFrom, n);
                if (span.Length > 0 && !visitor(from, span)) return;
                if (span.Length < n) break; // truncated: the rest of this run is not in the file
                from += (ulong)n;
                fileFrom += n;
            }
        }
    }
}
