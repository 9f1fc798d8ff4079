using Ntdbg.Analyses.Heaps;
using Ntdbg.Core.Memory;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.AddressMap;

/// <summary>
/// Collects what the process's own structures say is in use: each thread's TEB and stack (NT_TIB
/// StackBase/StackLimit, TEB.DeallocationStack, and the stack copy the dump holds), the PEB, the
/// shared user data page, heap ranges and module images. TEB and PEB offsets are the documented,
/// stable ones of the 32- and 64-bit layouts (unchanged since Windows XP), as in <see cref="HeapFinder"/>.
/// </summary>
internal sealed class ProcessAreas(AddressMapInput input, List<string> notes)
{
    /// <summary>KUSER_SHARED_DATA's fixed user-mode address (both 32- and 64-bit processes).</summary>
    public const ulong SharedUserData = 0x7ffe0000;
    /// <summary>A stack larger than this in a TEB is corruption, not a thread.</summary>
    private const ulong MaxStack = 1UL << 32;

    private bool Wide => input.PointerSize == 8;
    /// <summary>The TEB's pages: the 64-bit _TEB spans two (0x1838 bytes on Windows 10), the 32-bit one one page.</summary>
    public ulong TebSize => Wide ? 0x2000UL : 0x1000UL;

    public sealed record ThreadStack(ThreadInfo Thread, ulong? StackBase, ulong? StackLimit, ulong? DeallocationStack);

    public List<ThreadStack> Stacks { get; } = [];
    public ulong? Peb { get; private set; }

    public List<AddressClaim> Collect(Func<ulong, MemoryRegionInfo?> regionOf)
    {
        var claims = new List<AddressClaim>();
        foreach (var t in input.Threads)
        {
            var owner = new AddressOwner(ThreadIndex: t.Index, ThreadId: t.ThreadId);
            ulong? stackBase = null, stackLimit = null, deallocation = null;
            if (t.Teb != 0)
            {
                claims.Add(new AddressClaim(t.Teb, t.Teb + TebSize, AddressUsage.Teb, owner));
                stackBase = ReadPointer(t.Teb + (ulong)input.PointerSize);
                stackLimit = ReadPointer(t.Teb + 2UL * (ulong)input.PointerSize);
                deallocation = ReadPointer(t.Teb + (Wide ? 0x1478UL : 0xE0CUL));
                Peb ??= input.Heaps?.Peb ?? NonZero(ReadPointer(t.Teb + (Wide ? 0x60UL : 0x30UL)));
                if (stackBase == null) notes.Add($"thread ~{t.Index} ({t.ThreadId:x}): its TEB at {t.Teb:x} is not in the dump; its stack is only the dump's copy");
            }
            Stacks.Add(new ThreadStack(t, stackBase, stackLimit, deallocation));
            foreach (var (start, end) in StackRanges(t, stackBase, stackLimit, deallocation, regionOf))
                claims.Add(new AddressClaim(start, end, AddressUsage.Stack, owner));
        }
        Peb ??= input.Heaps?.Peb;
        if (Peb is { } peb) claims.Add(new AddressClaim(peb & ~0xFFFUL, (peb & ~0xFFFUL) + 0x1000, AddressUsage.Peb, null));
        else if (input.Heaps == null) notes.Add("the PEB is not known (no thread's TEB is in the dump)"); // else HeapFinder has said so
        claims.Add(new AddressClaim(SharedUserData, SharedUserData + 0x1000, AddressUsage.Other, new AddressOwner(Area: "KUSER_SHARED_DATA")));

        if (input.Heaps is { } heaps)
        {
            foreach (var heap in heaps.Heaps)
            {
                var summary = heap.Summarize();
                var owner = new AddressOwner(Heap: heap.Address, HeapKind: heap.Kind.ToString());
                foreach (var r in summary.Ranges.Where(r => r.End > r.Start))
                    claims.Add(new AddressClaim(r.Start, r.End, AddressUsage.Heap, owner));
            }
            notes.AddRange(heaps.Notes);
        }
        foreach (var m in input.Modules.Where(m => m.Size > 0 && m.Base + m.Size > m.Base))
            claims.Add(new AddressClaim(m.Base, m.End, AddressUsage.Image, new AddressOwner(Module: m.Name, ModuleBase: m.Base)));
        return claims;
    }

    /// <summary>
    /// With memory info, a stack is its whole reservation (WinDbg's three regions: reserved, guard, committed):
    /// every region sharing the allocation base of the region at the stack's top. Without it, the committed
    /// part the TEB names ([StackLimit, StackBase)) and the copy the dump holds.
    /// </summary>
    private IEnumerable<(ulong, ulong)> StackRanges(ThreadInfo t, ulong? stackBase, ulong? stackLimit, ulong? deallocation,
        Func<ulong, MemoryRegionInfo?> regionOf)
    {
        bool teb = stackBase is { } b && stackLimit is { } l && l < b && b - l <= MaxStack;
        ulong probe = teb ? stackBase!.Value - 1 : t.StackStart;
        if (input.MemoryInfo.Count > 0 && probe != 0 && regionOf(probe) is { State: not MemoryConstants.MemFree } top)
        {
            ulong allocation = top.AllocationBase;
            ulong end = top.BaseAddress + top.RegionSize;
            ulong start = deallocation is { } d && d == allocation ? d : allocation;
            if (start <= top.BaseAddress && top.BaseAddress - start <= MaxStack) { yield return (start, end); yield break; }
        }
        if (teb) yield return (stackLimit!.Value, stackBase!.Value);
        if (t.StackSize > 0 && t.StackStart + t.StackSize > t.StackStart) yield return (t.StackStart, t.StackStart + t.StackSize);
    }

    private static ulong? NonZero(ulong? v) => v is 0 ? null : v;

    private ulong? ReadPointer(ulong address) =>
        input.Memory.TryReadPointer(address, input.PointerSize, out ulong value, out _) ? value : null;
}
