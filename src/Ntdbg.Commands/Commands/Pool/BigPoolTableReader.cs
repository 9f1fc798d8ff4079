using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>The big page table's place (for !poolfind's header line) and its allocations in use.</summary>
public sealed record BigPoolTable(ulong Start, ulong End, IReadOnlyList<PoolChunk> Allocations);

/// <summary>
/// Reads nt!PoolBigPageTable: a pointer to nt!PoolBigPageTableSize _POOL_TRACKER_BIG_PAGES
/// entries, one per pool allocation of a page or more (which have no POOL_HEADER). Va's lowest
/// bit marks a free entry; Key is the tag, NumberOfBytes the size, PoolType (a plain field or a
/// bitfield, per build) the pool. Same on the classic and the segment-heap kernels.
/// </summary>
public sealed class BigPoolTableReader(DebugSession session)
{
    private const string Type = "_POOL_TRACKER_BIG_PAGES";
    // Real tables grow to a few hundred thousand entries; a corrupt size must not drive a huge read.
    private const ulong MaxEntries = 1 << 21;
    private const int EntriesPerRead = 2048;

    /// <summary>The table, or null with a note when the symbols or the dump do not have it.</summary>
    public BigPoolTable? Read(List<string> notes)
    {
        if (session.SymbolTable.FindType("nt!" + Type)?.Type is not UdtType type || type.Size is 0 or > 256)
        {
            notes.Add($"nt!{Type} is not in the kernel's symbols: big pool allocations are unknown");
            return null;
        }
        var va = PoolFieldLayout.Of(type, "Va");
        var key = PoolFieldLayout.Of(type, "Key");
        var bytes = PoolFieldLayout.Of(type, "NumberOfBytes") ?? PoolFieldLayout.Of(type, "Size");
        var poolType = PoolFieldLayout.Of(type, "PoolType");
        if (va == null || key == null || bytes == null)
        {
            notes.Add($"nt!{Type} lacks Va, Key or NumberOfBytes in the kernel's symbols: big pool allocations are unknown");
            return null;
        }
        if (!session.SymbolTable.TryResolve("nt!PoolBigPageTable", out ulong tableVar) || !session.SymbolTable.TryResolve("nt!PoolBigPageTableSize", out ulong sizeVar))
        {
            notes.Add("nt!PoolBigPageTable or nt!PoolBigPageTableSize is not in the kernel's symbols: big pool allocations are unknown");
            return null;
        }
        if (ReadNumber(tableVar, session.PointerSize, "nt!PoolBigPageTable", notes) is not ulong table
            || ReadNumber(sizeVar, session.PointerSize, "nt!PoolBigPageTableSize", notes) is not ulong count) return null;
        if (count > MaxEntries)
        {
            notes.Add($"nt!PoolBigPageTableSize is {count}, more than {MaxEntries}: only the first {MaxEntries} entries are read");
            count = MaxEntries;
        }
        var found = new List<PoolChunk>();
        var buffer = new byte[type.Size * EntriesPerRead];
        bool complete = true;
        for (ulong first = 0; first < count && complete; first += EntriesPerRead)
        {
            int entries = (int)Math.Min(EntriesPerRead, count - first);
            ulong at = table + first * type.Size;
            var span = buffer.AsSpan(0, (int)type.Size * entries);
            int read = session.Memory.Read(at, span, out var fault);
            if (read < span.Length)
            {
                notes.Add($"nt!PoolBigPageTable entries from {Hex.Pointer(at + (ulong)read, session.PointerSize)} are not in the dump ({fault?.Detail ?? "unreadable"}): the rest of the table was not read");
                entries = read / (int)type.Size;
                complete = false; // stop after these
            }
            for (int i = 0; i < entries; i++)
            {
                var entry = span.Slice(i * (int)type.Size, (int)type.Size);
                ulong address = va.Decode(entry) ?? 0;
                if (address == 0 || (address & 1) != 0) continue; // never used, or freed
                ulong type0 = poolType?.Decode(entry) ?? 0;
                found.Add(new PoolChunk(address, bytes.Decode(entry) ?? 0, 0, (uint)(key.Decode(entry) ?? 0), true, (type0 & 1) != 0, PoolChunkSource.BigPage));
            }
        }
        return new BigPoolTable(table, table + count * type.Size, found);
    }

    private ulong? ReadNumber(ulong at, int size, string name, List<string> notes)
    {
        var b = new byte[8];
        if (session.Memory.Read(at, b.AsSpan(0, size), out var fault) < size)
        {
            notes.Add($"{name} at {Hex.Pointer(at, session.PointerSize)} is not in the dump: {fault?.Detail ?? "unreadable"}");
            return null;
        }
        return BitConverter.ToUInt64(b);
    }
}
