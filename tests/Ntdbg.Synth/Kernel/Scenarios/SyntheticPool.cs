namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// A bump allocator over a kernel VA range that maps fresh pages as it grows: the "nonpaged pool"
/// the thread writer puts dispatcher objects, IRPs and device/driver objects in.
/// </summary>
internal sealed class SyntheticPool(PageTableBuilder tables, ulong start)
{
    private ulong _next = start;
    private ulong _mappedEnd = start;

    public ulong Allocate(ulong size)
    {
        ulong va = (_next + 0xf) & ~0xfUL;
        _next = va + size;
        while (_mappedEnd < _next)
        {
            tables.AllocateAndMap(_mappedEnd, 1);
            _mappedEnd += 0x1000;
        }
        return va;
    }
}
