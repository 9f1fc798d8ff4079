using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>The per-tag rows read from a set of tracker tables, and which tables they came from.</summary>
public sealed record PoolTrackerReading(List<PoolTagUsage> Rows, List<PoolTrackerSource> Sources)
{
    public static PoolTrackerReading Empty => new([], []);
}

/// <summary>
/// Reads the kernel's per-tag counters of the standard pools, every table of them:
/// nt!PoolTrackTable (nt!PoolTrackTableSize _POOL_TRACKER_TABLE slots, tags hashed in, empty
/// slots Key 0); the per-processor tables nt!ExPoolTagTables[1..] — each processor counts its own
/// allocations and frees in a table of the same size whose slot i holds the same tag as
/// PoolTrackTable's slot i, and ExPoolTagTables[0] is PoolTrackTable itself, so the kernel's own
/// query (ExGetPoolTagInfo) adds processors 1..n into a copy of table 0; and
/// nt!PoolTrackTableExpansion (nt!PoolTrackTableExpansionSize entries: tags that found no free
/// slot in the hashed table). Everything is summed by tag, each table read once even when two
/// pointers name it. The field layout and widths come from the kernel's symbols.
/// </summary>
public sealed class PoolTrackTableReader(DebugSession session)
{
    private const string Type = "_POOL_TRACKER_TABLE";
    /// <summary>nt!ExPoolTagTables has one slot per possible processor (640 to 2048 on these builds); only the dump's processors have tables.</summary>
    private const uint MaxProcessors = 4096;
    /// <summary>All tables together: a corrupt size or processor count must not drive gigabytes of reads.</summary>
    private const ulong MaxTotalBytes = 512UL << 20;

    public PoolTrackerReading Read(List<string> notes)
    {
        if (Layout(session, notes) is not { } layout) return PoolTrackerReading.Empty;
        if (!session.SymbolTable.TryResolve("nt!PoolTrackTable", out ulong tableVar) || !session.SymbolTable.TryResolve("nt!PoolTrackTableSize", out ulong sizeVar))
        {
            notes.Add("nt!PoolTrackTable or nt!PoolTrackTableSize is not in the kernel's symbols: pool tag usage is unknown");
            return PoolTrackerReading.Empty;
        }
        int ptr = session.PointerSize;
        ulong? table = ReadNumber(session.Memory, tableVar, ptr, "nt!PoolTrackTable", notes, ptr);
        ulong? size = ReadNumber(session.Memory, sizeVar, ptr, "nt!PoolTrackTableSize", notes, ptr);
        if (table is not ulong main || size is not ulong entries) return PoolTrackerReading.Empty;
        if (main == 0)
        {
            notes.Add("nt!PoolTrackTable is null: pool tagging was never set up");
            return PoolTrackerReading.Empty;
        }

        var tables = new List<PoolTrackerSource> { new("nt!PoolTrackTable", main, entries) };
        tables.AddRange(PerProcessorTables(main, entries, notes));
        if (Expansion(notes) is { } expansion) tables.Add(expansion);
        return ReadTables(session.Memory, ptr, tables, layout, notes);
    }

    /// <summary>The layout of the tracker entry type, or null with a note.</summary>
    public static PoolTrackerLayout? Layout(DebugSession session, List<string> notes) =>
        new KernelFields(session, notes).Type(Type) is { } type ? PoolTrackerLayout.From(type, notes) : null;

    /// <summary>Reads each table into one set of per-tag sums, keeping to the overall read budget.</summary>
    public static PoolTrackerReading ReadTables(IVirtualMemory memory, int pointerSize, List<PoolTrackerSource> tables, PoolTrackerLayout layout, List<string> notes)
    {
        var sums = new PoolTagSums(layout);
        var read = new List<PoolTrackerSource>();
        ulong budget = MaxTotalBytes / layout.EntrySize;
        foreach (var t in tables)
        {
            if (budget == 0)
            {
                notes.Add($"{t.Name} and the tables after it are not read: the tracker tables together claim more than {MaxTotalBytes >> 20} MiB");
                break;
            }
            ulong entries = Math.Min(t.Entries, budget);
            PoolTrackerTableScan.Read(memory, pointerSize, t.Name, t.Address, entries, sums, notes);
            budget -= Math.Min(budget, Math.Min(entries, PoolTrackerTableScan.MaxEntries));
            read.Add(t);
        }
        return new PoolTrackerReading(sums.Rows(), read);
    }

    // ExPoolTagTables[i] for each processor of the dump: the tables other than PoolTrackTable, each once.
    private List<PoolTrackerSource> PerProcessorTables(ulong main, ulong entries, List<string> notes)
    {
        var list = new List<PoolTrackerSource>();
        if (!session.SymbolTable.TryResolve("nt!ExPoolTagTables", out ulong array)) return list; // a kernel without per-processor tables
        uint processors = Math.Min(session.Target.System?.ProcessorCount ?? 1, MaxProcessors);
        int ptr = session.PointerSize;
        var pointers = HoleyRead.Read(session.Memory, array, (int)processors * ptr);
        var seen = new HashSet<ulong> { main };
        for (int i = 0; i < processors; i++)
        {
            if (!pointers.AllValid(i * ptr, ptr))
            {
                notes.Add($"nt!ExPoolTagTables[{i}] at {Hex.Pointer(array + (ulong)(i * ptr), ptr)} is not in the dump ({pointers.FirstFault?.Detail ?? "unreadable"}): processor {i}'s pool tag counts are missing");
                continue;
            }
            ulong t = ptr == 8 ? BitConverter.ToUInt64(pointers.Data, i * ptr) : BitConverter.ToUInt32(pointers.Data, i * ptr);
            if (t == 0) continue; // a processor that never started
            if (i == 0 && t != main)
                notes.Add($"nt!ExPoolTagTables[0] is {Hex.Pointer(t, ptr)}, not nt!PoolTrackTable ({Hex.Pointer(main, ptr)}): both are counted");
            if (seen.Add(t)) list.Add(new PoolTrackerSource($"nt!ExPoolTagTables[{i}]", t, entries));
        }
        return list;
    }

    private PoolTrackerSource? Expansion(List<string> notes)
    {
        if (!session.SymbolTable.TryResolve("nt!PoolTrackTableExpansion", out ulong tableVar) || !session.SymbolTable.TryResolve("nt!PoolTrackTableExpansionSize", out ulong sizeVar)) return null;
        int ptr = session.PointerSize;
        ulong? table = ReadNumber(session.Memory, tableVar, ptr, "nt!PoolTrackTableExpansion", notes, ptr);
        ulong? size = ReadNumber(session.Memory, sizeVar, ptr, "nt!PoolTrackTableExpansionSize", notes, ptr);
        return table is ulong t && t != 0 && size is ulong n && n != 0 ? new PoolTrackerSource("nt!PoolTrackTableExpansion", t, n) : null;
    }

    /// <summary>The four tag bytes (little-endian ULONG) as text; unprintable bytes show as '?'.</summary>
    public static string TagText(uint key)
    {
        Span<char> c = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            byte b = (byte)(key >> (8 * i));
            c[i] = b is >= 0x20 and < 0x7f ? (char)b : '?';
        }
        return new string(c);
    }

    /// <summary>A little-endian number of <paramref name="size"/> bytes, or null with a note naming what is missing.</summary>
    public static ulong? ReadNumber(IVirtualMemory memory, ulong at, int size, string name, List<string> notes, int pointerSize = 8)
    {
        var bytes = new byte[8];
        if (memory.Read(at, bytes.AsSpan(0, size), out var fault) < size)
        {
            notes.Add($"{name} at {Hex.Pointer(at, pointerSize)} is not in the dump: {fault?.Detail ?? "unreadable"}");
            return null;
        }
        return BitConverter.ToUInt64(bytes);
    }
}
