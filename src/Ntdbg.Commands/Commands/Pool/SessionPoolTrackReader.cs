using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Commands.Processes;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// Reads the per-tag counters of the current session's pool (`!poolused 8`; `!session -s` picks
/// the session). Session space is mapped per session, so the tables are read through the page
/// tables of the current process, which belongs to the session. Where the kernel keeps them:
/// nt!ExpSessionPoolTrackTable (a pointer into session space, nt!ExpSessionPoolTrackTableSize
/// entries) on 7601 through 20348; on 22000, which has no such variable, the session's
/// _MM_SESSION_SPACE.PoolTags (a pointer there, an inline array on 14393-20348); and every build's
/// _MM_SESSION_SPACE.PoolTrackTableExpansion / PoolTrackTableExpansionSize for the session's tags
/// that found no slot. A kernel whose symbols name none of these gets a note saying so.
/// </summary>
public sealed class SessionPoolTrackReader(DebugSession session)
{
    private const string SessionType = "_MM_SESSION_SPACE";

    /// <summary>The session's rows and tables, and its id (null when the current process belongs to no session).</summary>
    public (PoolTrackerReading Reading, uint? SessionId) Read(List<string> notes)
    {
        if (PoolTrackTableReader.Layout(session, notes) is not { } layout) return (PoolTrackerReading.Empty, null);
        ulong process = KernelProcessList.CurrentProcess(session, notes);
        if (process == 0)
        {
            notes.Add("there is no current process, so no current session: switch to one with !session -s <id>");
            return (PoolTrackerReading.Empty, null);
        }
        var entry = KernelProcessList.Describe(session, process, notes);
        int ptr = session.PointerSize;
        if (entry.Session == 0)
        {
            notes.Add($"the current process {entry.ImageFileName ?? "?"} ({Hex.Pointer(process, ptr)}) belongs to no session: switch to one with !session -s <id>");
            return (PoolTrackerReading.Empty, null);
        }
        var memory = SessionView(entry, notes);
        var fields = new KernelFields(session, notes);
        var space = fields.Type(SessionType);
        var tables = new List<PoolTrackerSource>();
        if (MainTable(memory, entry.Session, space, layout, notes) is { } main) tables.Add(main);
        if (space != null && ExpansionTable(memory, entry.Session, space, notes) is { } expansion) tables.Add(expansion);
        return (PoolTrackTableReader.ReadTables(memory, ptr, tables, layout, notes), entry.SessionId);
    }

    // The session's addresses through the current process's page tables (its DirectoryTableBase), where the dump has them.
    private IVirtualMemory SessionView(KernelProcessEntry process, List<string> notes)
    {
        if (session.Target is KernelDumpTarget { AddressSpace: { } space } && process.DirectoryTableBase is ulong dtb && dtb != 0)
            return space.WithDirectoryTableBase(dtb);
        notes.Add($"the page tables of process {Hex.Pointer(process.Address, session.PointerSize)} are unknown: session space is read through the dump's own page tables");
        return session.Memory;
    }

    private PoolTrackerSource? MainTable(IVirtualMemory memory, ulong sessionSpace, UdtType? space, PoolTrackerLayout layout, List<string> notes)
    {
        int ptr = session.PointerSize;
        ulong? size = session.SymbolTable.TryResolve("nt!ExpSessionPoolTrackTableSize", out ulong sizeVar)
            ? PoolTrackTableReader.ReadNumber(session.Memory, sizeVar, ptr, "nt!ExpSessionPoolTrackTableSize", notes, ptr) : null;
        if (session.SymbolTable.TryResolve("nt!ExpSessionPoolTrackTable", out ulong tableVar))
        {
            if (PoolTrackTableReader.ReadNumber(session.Memory, tableVar, ptr, "nt!ExpSessionPoolTrackTable", notes, ptr) is not ulong table) return null;
            return Table("nt!ExpSessionPoolTrackTable", table, size, notes);
        }
        // 22000 keeps the table's address in the session itself.
        if (space?.GetField("PoolTags") is { IsBitfield: false } tags)
        {
            ulong at = sessionSpace + tags.Offset;
            if (tags.Type.Kind == DbgTypeKind.Pointer)
            {
                if (PoolTrackTableReader.ReadNumber(memory, at, ptr, $"{SessionType}.PoolTags", notes, ptr) is not ulong table) return null;
                return Table($"{SessionType}.PoolTags", table, size, notes);
            }
            // An inline array: its own size bounds the entries when the kernel names no count.
            return Table($"{SessionType}.PoolTags", at, size ?? tags.Type.Size / layout.EntrySize, notes);
        }
        notes.Add("this kernel's symbols name no session pool tracker (nt!ExpSessionPoolTrackTable, _MM_SESSION_SPACE.PoolTags): only the session's expansion table is read");
        return null;
    }

    private PoolTrackerSource? Table(string name, ulong address, ulong? size, List<string> notes)
    {
        if (size is not ulong n)
        {
            notes.Add($"{name} has no entry count (nt!ExpSessionPoolTrackTableSize): the session's table is not read");
            return null;
        }
        if (address == 0)
        {
            notes.Add($"{name} is null: the session keeps no tag counts");
            return null;
        }
        return new PoolTrackerSource(name, address, n);
    }

    private PoolTrackerSource? ExpansionTable(IVirtualMemory memory, ulong sessionSpace, UdtType space, List<string> notes)
    {
        if (space.GetField("PoolTrackTableExpansion") is not { } table || space.GetField("PoolTrackTableExpansionSize") is not { } size) return null;
        int ptr = session.PointerSize;
        ulong? t = PoolTrackTableReader.ReadNumber(memory, sessionSpace + table.Offset, ptr, $"{SessionType}.PoolTrackTableExpansion", notes, ptr);
        ulong? n = PoolTrackTableReader.ReadNumber(memory, sessionSpace + size.Offset, (int)Math.Min(size.Type.Size, 8), $"{SessionType}.PoolTrackTableExpansionSize", notes, ptr);
        return t is ulong a && a != 0 && n is ulong c && c != 0 ? new PoolTrackerSource($"{SessionType}.PoolTrackTableExpansion", a, c) : null;
    }
}
