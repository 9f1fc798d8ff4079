using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Targets;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Commands.Processes;

/// <summary>One process as `.process` and `!session` need it: its object, page-table base and session.</summary>
public sealed record KernelProcessEntry(ulong Address, ulong? DirectoryTableBase, ulong Session, uint? SessionId, string? ImageFileName);

/// <summary>
/// The processes on the list at nt!PsActiveProcessHead (guarded against loops and broken links)
/// and the process the session sees by default, with each one's page-table base and session read
/// through the kernel's types.
/// </summary>
public static class KernelProcessList
{
    private const int MaxProcesses = 100_000;

    /// <summary>Every process on the list, in list order; a problem that ended the walk early goes to <paramref name="notes"/>.</summary>
    public static List<KernelProcessEntry> Read(DebugSession s, List<string> notes)
    {
        var list = new List<KernelProcessEntry>();
        if (s.Target is not IKernelTarget k || k.PsActiveProcessHead == 0)
        {
            notes.Add("the dump names no PsActiveProcessHead: the process list is unknown");
            return list;
        }
        var fields = new KernelFields(s, notes);
        if (fields.Type("_EPROCESS") is not { } eprocess || KernelFields.OffsetOf(eprocess, "ActiveProcessLinks") is not ulong links) return list;
        var seen = new HashSet<ulong>();
        ulong head = k.PsActiveProcessHead;
        ulong link = head;
        while (true)
        {
            if (!s.Memory.TryReadPointer(link, s.PointerSize, out link, out var fault))
            {
                notes.Add($"the process list is broken: {fault?.Detail ?? "unreadable"}");
                break;
            }
            if (link == head) break;
            if (!seen.Add(link) || seen.Count > MaxProcesses)
            {
                notes.Add($"the process list loops or runs past {MaxProcesses} entries at {Hex.Pointer(link, s.PointerSize)}: stopping");
                break;
            }
            list.Add(Describe(s, link - links, notes));
        }
        return list;
    }

    /// <summary>One process's page-table base, session and image name.</summary>
    public static KernelProcessEntry Describe(DebugSession s, ulong address, List<string> notes)
    {
        var fields = new KernelFields(s, notes);
        var eprocess = fields.Type("_EPROCESS");
        ulong session = fields.Read(eprocess, address, "Session") ?? 0;
        uint? id = session != 0 && fields.Read(fields.Type("_MM_SESSION_SPACE"), session, "SessionId") is ulong v ? (uint)v : null;
        return new KernelProcessEntry(address, fields.Read(eprocess, address, "Pcb.DirectoryTableBase"), session, id, fields.ReadAnsi(eprocess, address, "ImageFileName"));
    }

    /// <summary>
    /// The process the debugger starts in: the current thread's, else the one whose page-table
    /// base is the dump header's directory table base (the address space the machine crashed in).
    /// </summary>
    public static ulong DefaultProcess(DebugSession s, List<string> notes)
    {
        if (s.CurrentThread?.ProcessObject is ulong p && p != 0) return p;
        // The running thread's process (the thread model's answer) when no process is implicit.
        if (s.ImplicitProcess == null && Threads.KernelProcessThreads.CurrentProcess(s) is ulong running && running != 0) return running;
        if (s.Target is not KernelDumpTarget k) return 0;
        ulong dtb = k.DirectoryTableBase & ~0xfffUL;
        var inner = new List<string>();
        return Read(s, inner).FirstOrDefault(e => e.DirectoryTableBase is ulong d && (d & ~0xfffUL) == dtb)?.Address ?? 0;
    }

    /// <summary>The process whose user addresses the session reads: the implicit one, else the default one.</summary>
    public static ulong CurrentProcess(DebugSession s, List<string> notes) =>
        s.ImplicitProcess is ulong p && p != 0 ? p : s.ProcessMemory.Process != 0 ? s.ProcessMemory.Process : DefaultProcess(s, notes);

    /// <summary>Back to the default process: no implicit process, the dump's page tables for every address.</summary>
    public static void ClearImplicit(DebugSession s)
    {
        s.ImplicitProcess = null;
        s.ProcessMemory.Clear();
    }

    /// <summary>
    /// Makes <paramref name="process"/> the implicit process: its _KPROCESS.DirectoryTableBase
    /// becomes the page-table base of user addresses. Refused when the base is unreadable.
    /// </summary>
    public static void MakeImplicit(DebugSession s, ulong process, string command)
    {
        if (s.Target is not KernelDumpTarget k || k.AddressSpace is not { } space)
            throw new CommandException($"{command}: this dump has no page tables to switch (it holds no physical memory)");
        // The object header names the type: an address of another kind of object is refused (when the header is readable).
        if (ObjectHeaders.TypeName(s, process) is { } type && type != "Process")
            throw new CommandException($"{command}: {Hex.Pointer(process, s.PointerSize)} is not a process: its object header names type '{type}'");
        var notes = new List<string>();
        var entry = Describe(s, process, notes);
        if (entry.DirectoryTableBase is not ulong dtb)
            throw new CommandException($"{command}: {Hex.Pointer(process, s.PointerSize)} is not a readable process: {notes.FirstOrDefault(n => n.Contains("DirectoryTableBase", StringComparison.Ordinal)) ?? string.Join("; ", notes)}");
        // A base whose PML4 page the dump lacks would make every user read fail: say so now.
        if (!space.Physical.Pages.TryGetFileOffset((dtb & space.Mode.TableBaseMask) >> 12, out _))
            throw new CommandException($"{command}: the page tables of {Hex.Pointer(process, s.PointerSize)} (DirectoryTableBase {dtb:x}) are not in the dump");
        s.ProcessMemory.Set(process, space.WithDirectoryTableBase(dtb));
        s.ImplicitProcess = process;
    }
}
