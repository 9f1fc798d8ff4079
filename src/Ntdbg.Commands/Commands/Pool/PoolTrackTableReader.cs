using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// Reads nt!PoolTrackTable, the kernel's per-tag pool counters: a pointer to an array of
/// nt!PoolTrackTableSize _POOL_TRACKER_TABLE entries. The kernel hashes tags into the array, so
/// every slot is read and empty ones (Key 0) skipped. Counter widths differ by build (ULONG on
/// Windows 7/8.1, ULONG64 later); the field layout comes from the kernel's symbols.
/// </summary>
public sealed class PoolTrackTableReader(DebugSession session)
{
    private const string Type = "_POOL_TRACKER_TABLE";
    // Real tables hold a few thousand slots; a corrupt size must not drive a huge read.
    private const ulong MaxEntries = 1 << 20;

    public List<PoolTagUsage> Read(List<string> notes)
    {
        var fields = new KernelFields(session, notes);
        var type = fields.Type(Type);
        if (type == null) return [];
        if (!session.SymbolTable.TryResolve("nt!PoolTrackTable", out ulong tableVar) || !session.SymbolTable.TryResolve("nt!PoolTrackTableSize", out ulong sizeVar))
        {
            notes.Add("nt!PoolTrackTable or nt!PoolTrackTableSize is not in the kernel's symbols: pool tag usage is unknown");
            return [];
        }
        ulong? table = ReadNumber(tableVar, session.PointerSize, "nt!PoolTrackTable", notes);
        ulong? size = ReadNumber(sizeVar, 4, "nt!PoolTrackTableSize", notes);
        if (table is not ulong t || size is not ulong n) return [];
        if (n > MaxEntries)
        {
            notes.Add($"nt!PoolTrackTableSize is {n}, more than {MaxEntries}: only the first {MaxEntries} entries are read");
            n = MaxEntries;
        }
        var rows = new List<PoolTagUsage>();
        for (ulong i = 0; i < n; i++)
        {
            ulong entry = t + i * type.Size;
            var entryNotes = new List<string>();
            var f = new KernelFields(session, entryNotes);
            ulong? key = f.Read(type, entry, "Key");
            if (key is null) { notes.AddRange(entryNotes); break; } // the rest of the table is not in the dump either
            if (key == 0) continue;
            ulong npA = f.Read(type, entry, "NonPagedAllocs") ?? 0, npF = f.Read(type, entry, "NonPagedFrees") ?? 0;
            ulong pA = f.Read(type, entry, "PagedAllocs") ?? 0, pF = f.Read(type, entry, "PagedFrees") ?? 0;
            rows.Add(new PoolTagUsage(TagText((uint)key.Value),
                (long)(npA - npF), f.Read(type, entry, "NonPagedBytes") ?? 0,
                (long)(pA - pF), f.Read(type, entry, "PagedBytes") ?? 0, null));
            notes.AddRange(entryNotes);
        }
        return rows;
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

    private ulong? ReadNumber(ulong at, int size, string name, List<string> notes)
    {
        var bytes = new byte[8];
        if (session.Memory.Read(at, bytes.AsSpan(0, size), out var fault) < size)
        {
            notes.Add($"{name} at {Hex.Pointer(at, session.PointerSize)} is not in the dump: {fault?.Detail ?? "unreadable"}");
            return null;
        }
        return BitConverter.ToUInt64(bytes);
    }
}
