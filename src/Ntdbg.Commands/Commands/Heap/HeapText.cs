using Ntdbg.Analyses.Heaps;

namespace Ntdbg.Commands.Commands.Heap;

/// <summary>Shared pieces of the `!heap` text layouts.</summary>
internal static class HeapTextFormat
{
    public static string Pointer(ulong value, int pointerSize) => pointerSize == 8 ? value.ToString("x16") : value.ToString("x8");

    public static string KindName(HeapKind kind) => kind switch
    {
        HeapKind.NtHeap => "NT Heap",
        HeapKind.SegmentHeap => "Segment Heap",
        _ => "Wine Heap",
    };

    /// <summary>What WinDbg names the heap structure in `!heap -p -a`.</summary>
    public static string StructName(HeapKind kind) => kind switch
    {
        HeapKind.NtHeap => "_HEAP",
        HeapKind.SegmentHeap => "_SEGMENT_HEAP",
        _ => "Wine heap",
    };

    public static void Notes(IEnumerable<string> notes, TextWriter o)
    {
        foreach (var n in notes.Distinct()) o.WriteLine("    " + n);
    }
}

/// <summary>`!heap`: WinDbg's "Heap Address / NT/Segment Heap" table (Wine's heaps say so).</summary>
public sealed class HeapListText : Rendering.Text.TextRenderer<HeapListResult>
{
    protected override void Render(HeapListResult r, TextWriter o)
    {
        o.WriteLine("        Heap Address      NT/Segment Heap");
        o.WriteLine();
        foreach (var h in r.Heaps) o.WriteLine($"{h.Address,19:x}{HeapTextFormat.KindName(h.Kind),21}");
        HeapTextFormat.Notes(r.Notes, o);
    }
}

/// <summary>
/// `!heap -s`: the seed's columns (Heap, Flags, Reserv, Commit, Virt, Free in K; List length, UCR, Virt blocks,
/// Lock cont. in hex, Fast heap), the widths WinDbg prints (%7, %6, %6, %6, %5, %5, %4, %6x), headers
/// right-aligned over them, and after a heap with much waste the external and virtual address
/// fragmentation lines. A figure the walker could not establish prints as "?".
/// </summary>
public sealed class HeapSummaryText : Rendering.Text.TextRenderer<HeapSummaryResult>
{
    /// <summary>
    /// Fragmentation lines appear at this share and above, when at least <see cref="FragmentationMinBytes"/>
    /// are concerned: with these the seed's output shows them for its 5 GB heap only, as WinDbg did.
    /// </summary>
    public const int FragmentationPercent = 25;
    public const ulong FragmentationMinBytes = 1 << 20;

    protected override void Render(HeapSummaryResult r, TextWriter o)
    {
        int w = r.PointerSize == 8 ? 16 : 8;
        // Right edges of the columns, as the row format places them.
        int[] ends = [w, w + 9, w + 17, w + 24, w + 31, w + 38, w + 44, w + 50, w + 55, w + 62, w + 68];
        o.WriteLine(Header(ends, ["Heap", "Flags", "Reserv", "Commit", "Virt", "Free", "List", "UCR", "Virt", "Lock", "Fast"]));
        o.WriteLine(Header(ends, ["", "", "(k)", "(k)", "(k)", "(k)", "length", "", "blocks", "cont.", "heap"]));
        string rule = new('-', ends[^1] + 1);
        o.WriteLine(rule);
        foreach (var h in r.Heaps)
        {
            o.WriteLine($"{HeapTextFormat.Pointer(h.Address, r.PointerSize)} {h.Flags:x8} {h.ReservedBytes / 1024,7} {h.CommittedBytes / 1024,6} {h.VirtualBytes / 1024,6} "
                + $"{Opt(h.FreeBytes / 1024),6} {Opt(h.FreeListLength),5} {Opt(h.UncommittedRanges),5} {Opt(h.VirtualBlocks),4} "
                + $"{(h.LockContention is { } l ? l.ToString("x") : "?"),6}   {(h.FastHeap ? "LFH" : "")}".TrimEnd());
            if (h.FreeBytes is { } free && h.CommittedBytes > 0 && free >= FragmentationMinBytes
                && free * 100 / h.CommittedBytes is var external && external >= FragmentationPercent)
                o.WriteLine($"    External fragmentation  {external} % ({Opt(h.FreeListLength)} free blocks)");
            ulong uncommitted = h.ReservedBytes > h.CommittedBytes ? h.ReservedBytes - h.CommittedBytes : 0;
            if (h.ReservedBytes > 0 && uncommitted >= FragmentationMinBytes && uncommitted * 100 / h.ReservedBytes is var va && va >= FragmentationPercent)
                o.WriteLine($"    Virtual address fragmentation  {va} % ({Opt(h.UncommittedRanges)} uncommited ranges)");
        }
        o.WriteLine(rule);
        HeapTextFormat.Notes(r.Notes.Concat(r.Heaps.SelectMany(h => h.Notes)), o);
    }

    private static string Header(int[] ends, string[] labels)
    {
        var line = new System.Text.StringBuilder();
        for (int i = 0; i < ends.Length; i++)
        {
            int pad = ends[i] - line.Length - labels[i].Length;
            line.Append(' ', Math.Max(pad, labels[i].Length == 0 ? 0 : 1)).Append(labels[i]);
        }
        return line.ToString().TrimEnd();
    }

    private static string Opt<T>(T? value) where T : struct => value?.ToString() ?? "?";
}

/// <summary>`!heap -stat`: per heap, WinDbg's "group-by: TOTSIZE" histogram (hex size, block count and total, percent of busy bytes).</summary>
public sealed class HeapStatText : Rendering.Text.TextRenderer<HeapStatResult>
{
    protected override void Render(HeapStatResult r, TextWriter o)
    {
        foreach (var t in r.Heaps)
        {
            o.WriteLine($" heap @ {t.Heap:x}");
            o.WriteLine($"group-by: TOTSIZE max-display: {r.MaxDisplay}");
            o.WriteLine("    size     #blocks     total     ( %) (percent of total busy bytes)");
            foreach (var c in t.Classes)
                o.WriteLine($"    {c.Size:x} {c.Blocks:x} - {c.TotalBytes:x}  ({Math.Floor(c.PercentOfBusy * 100) / 100:0.00})");
        }
        HeapTextFormat.Notes(r.Notes, o);
    }
}

/// <summary>`!heap -p -a`: "address X found in", the heap, and WinDbg's HEAP_ENTRY line (sizes in granularity units).</summary>
public sealed class HeapAddressText : Rendering.Text.TextRenderer<HeapAddressResult>
{
    protected override void Render(HeapAddressResult r, TextWriter o)
    {
        if (r.Heap is { } heap && r.Block is { } b)
        {
            ulong g = (ulong)r.Granularity;
            o.WriteLine($"    address {HeapTextFormat.Pointer(r.Address, r.PointerSize)} found in");
            o.WriteLine($"    {HeapTextFormat.StructName(r.Kind ?? HeapKind.NtHeap)} @ {heap:x}");
            string pad = new(' ', r.PointerSize == 8 ? 14 : 6);
            o.WriteLine($"{pad}HEAP_ENTRY Size Prev Flags{new string(' ', r.PointerSize == 8 ? 12 : 4)}UserPtr UserSize - state");
            o.WriteLine($"        {HeapTextFormat.Pointer(b.EntryAddress, r.PointerSize)} {b.BlockSize / g:x4} {(r.PreviousBlockSize ?? 0) / g:x4}  [{Flags(b):x2}]   "
                + $"{HeapTextFormat.Pointer(b.UserAddress, r.PointerSize)}    {b.UserSize:x5} - ({State(b)})");
        }
        HeapTextFormat.Notes(r.Notes, o);
    }

    /// <summary>The entry flags WinDbg shows for such a block: 01 busy, 08 virtual allocation, 00 free.</summary>
    private static int Flags(HeapBlock b) => (b.State == HeapBlockState.Free ? 0 : 1) | (b.Origin == HeapBlockOrigin.LargeVirtual ? 8 : 0);

    private static string State(HeapBlock b) => b.State switch
    {
        HeapBlockState.Free => "free",
        HeapBlockState.Internal => "internal",
        _ => b.Origin switch { HeapBlockOrigin.LargeVirtual => "busy VirtualAlloc", HeapBlockOrigin.Lfh => "busy LFH", _ => "busy" },
    };
}

/// <summary>`!heap -h`: the heap's flags and figures, its segments and virtual blocks, then every entry ("address: psize . size state (requested size)").</summary>
public sealed class HeapBlocksText : Rendering.Text.TextRenderer<HeapBlocksResult>
{
    protected override void Render(HeapBlocksResult r, TextWriter o)
    {
        if (r.Summary is { } s)
        {
            o.WriteLine($"Heap {HeapTextFormat.Pointer(s.Address, r.PointerSize)} ({HeapTextFormat.KindName(s.Kind)})");
            o.WriteLine($"    Flags:                {s.Flags:x8}");
            o.WriteLine($"    Reserved:             {s.ReservedBytes:x} bytes, committed {s.CommittedBytes:x} bytes");
            foreach (var range in s.Ranges)
                o.WriteLine(range.Origin == HeapBlockOrigin.LargeVirtual
                    ? $"    Virtual block at {HeapTextFormat.Pointer(range.Start, r.PointerSize)} ({range.ReservedBytes:x8} bytes)"
                    : $"    Segment at {HeapTextFormat.Pointer(range.Start, r.PointerSize)} to {HeapTextFormat.Pointer(range.End, r.PointerSize)} ({range.CommittedBytes:x8} bytes committed)");
            o.WriteLine("    Heap entries");
            o.WriteLine("         address: psize . size  state (requested size)");
            HeapBlock? previous = null;
            foreach (var b in r.Blocks)
            {
                ulong psize = previous is { } p && p.EntryAddress + p.BlockSize == b.EntryAddress ? p.BlockSize : 0;
                string state = b.State switch { HeapBlockState.Busy => $"busy ({b.UserSize:x})", HeapBlockState.Free => "free", _ => "internal" };
                string virt = b.Origin == HeapBlockOrigin.LargeVirtual ? " VirtualAlloc" : "";
                o.WriteLine($"        {HeapTextFormat.Pointer(b.EntryAddress, r.PointerSize)}: {psize:x5} . {b.BlockSize:x5} - {state}{virt}");
                previous = b;
            }
        }
        HeapTextFormat.Notes(r.Notes.Concat(r.Summary?.Notes ?? []), o);
    }
}
