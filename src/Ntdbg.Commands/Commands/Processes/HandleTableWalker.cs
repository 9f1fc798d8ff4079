using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Processes;

/// <summary>
/// Counts a process's open handles by walking its _HANDLE_TABLE, for kernels (Windows 8.1 and
/// later) whose table keeps no HandleCount. TableCode's low two bits give the levels: 0 = it
/// points at one page of _HANDLE_TABLE_ENTRY, 1 = at a page of pointers to such pages, 2 = at a
/// page of pointers to level-1 pages. Entry 0 of every entry page is reserved. An entry is in use
/// when its object pointer (ObjectPointerBits, or Windows 7's Object) is nonzero. Handle values are
/// index × 4, and NextHandleNeedingPool is the first value no page backs, which bounds the walk.
/// </summary>
public static class HandleTableWalker
{
    private const ulong PageSize = 0x1000;
    private const uint HandleStep = 4;
    // 16 M handles is Windows's per-process limit; a larger bound is a damaged table.
    private const ulong MaxHandleValue = 1UL << 26;

    /// <summary>The in-use entry count, or null with a note saying where and why the walk stopped.</summary>
    public static ulong? Count(DebugSession s, KernelFields fields, UdtType table, ulong address, List<string> notes)
    {
        var entryType = fields.Type("_HANDLE_TABLE_ENTRY");
        ulong? code = fields.Read(table, address, "TableCode");
        ulong? next = fields.Read(table, address, "NextHandleNeedingPool");
        if (entryType == null || code is not ulong tableCode || next is not ulong limit) return null;
        if (!ObjectBits(entryType, out int position, out int length))
        {
            notes.Add("HandleCount: nt!_HANDLE_TABLE_ENTRY has neither ObjectPointerBits nor Object: in-use entries cannot be told");
            return null;
        }
        int level = (int)(tableCode & 3);
        if (level > 2 || limit > MaxHandleValue || entryType.Size is 0 or > PageSize)
        {
            notes.Add($"HandleCount: the handle table at {Hex.Pointer(address, 8)} is not plausible (TableCode {Hex.Pointer(tableCode, 8)}, NextHandleNeedingPool {limit:x}): not walked");
            return null;
        }
        var walk = new Walk(s, (int)entryType.Size, position, length, limit);
        ulong count = 0;
        string? problem = walk.Page(tableCode & ~3UL, level, 0, ref count);
        if (problem == null) return count;
        notes.Add($"HandleCount: the handle table at {Hex.Pointer(address, 8)} cannot be counted: {problem}");
        return null;
    }

    // Where the object pointer sits in an entry's first 8 bytes: a bitfield on Windows 8.1 and later, the whole pointer before.
    private static bool ObjectBits(UdtType entry, out int position, out int length)
    {
        var f = entry.GetField("ObjectPointerBits") ?? entry.GetField("Object");
        position = f?.BitPosition ?? 0;
        length = f is { IsBitfield: true } ? f.BitLength : 64;
        return f is { Offset: 0 };
    }

    private sealed class Walk(DebugSession s, int entrySize, int position, int length, ulong limit)
    {
        private readonly int _perPage = (int)(PageSize / (ulong)entrySize);
        private ulong HandlesPerEntryPage => (ulong)_perPage * HandleStep;

        // A page at this level whose first handle value is firstHandle; returns why it failed, or null.
        public string? Page(ulong page, int level, ulong firstHandle, ref ulong count)
        {
            var bytes = new byte[PageSize];
            if (s.Memory.Read(page, bytes, out var fault) < bytes.Length)
                return $"its level-{level} page at {Hex.Pointer(page, 8)} is not in the dump ({fault?.Detail ?? "unreadable"})";
            if (level == 0)
            {
                for (int e = 1; e < _perPage && firstHandle + (ulong)e * HandleStep < limit; e++)
                    if (InUse(BitConverter.ToUInt64(bytes, e * entrySize))) count++;
                return null;
            }
            ulong span = HandlesPerEntryPage * (level == 1 ? 1UL : PageSize / 8);
            for (int k = 0; k < (int)(PageSize / 8); k++)
            {
                ulong first = firstHandle + (ulong)k * span;
                if (first >= limit) break;
                ulong child = BitConverter.ToUInt64(bytes, k * 8);
                if (child == 0) continue; // a page not allocated yet holds no handles
                if (Page(child, level - 1, first, ref count) is string problem) return problem;
            }
            return null;
        }

        private bool InUse(ulong low) => (length >= 64 ? low : (low >> position) & ((1UL << length) - 1)) != 0;
    }
}
