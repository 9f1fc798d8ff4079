using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Commands.Basic;
using Ntdbg.Core.Memory;
using Ntdbg.Commands.Session;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Commands.Processes;

/// <summary>
/// !process: a kernel process's summary (Cid, Peb, parent, DirBase, handle table, image name),
/// read from its _EPROCESS with the kernel's types. Full and bitmap dumps walk the process list
/// and read any process; a triage dump holds only the current process (the bugcheck thread's).
/// </summary>
[Command("!process", Summary = "The current kernel process: EPROCESS fields", Usage = "!process [-1|0|EProcessAddress] [Flags]", Scope = CommandScope.User | CommandScope.Kernel)]
public sealed class ProcessCommand : ICommand
{
    public const string KernelOnly = "!process is a kernel-mode command: this is a user-mode dump (use | for its process)";
    public const string NoProcessList = "A triage dump does not hold the process list: only the current process is known (a full or kernel memory dump lists every process)";
    public const string NoThreadList = "A triage dump does not hold the process's thread list: only the bugcheck thread is known, see !thread (a full or kernel memory dump lists every thread)";
    public const string NeedsModel = "A triage dump holds only the current process: use !process -1 for it (a full or kernel memory dump holds every process)";

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        if (!s.IsKernel) throw new CommandException(KernelOnly);
        ulong? asked = context.Args.TryReadExpression();
        // WinDbg's default flags show the threads too.
        ulong flags = context.Args.TryReadExpression() ?? (asked == null ? 0xfUL : 0UL);
        // "!process 0 0 lsass.exe": the rest names the image to keep.
        string? image = context.Args.AtEnd ? null : context.Args.Rest.Trim();
        if (image != null && asked != 0) throw new CommandException($"!process: an image name ('{image}') filters the list: use !process 0 Flags {image}");
        bool triage = s.Target is KernelDumpTarget { Dump.Triage: not null };
        ulong current = KernelProcessThreads.CurrentProcess(s);
        if (asked == 0) return triage ? new TextResult(NoProcessList) : AllProcesses(s, flags, image);
        if (asked is ulong a && !ThreadDetailsCommand.IsMinusOne(a, s.PointerSize) && a != current)
        {
            if (triage) return new TextResult(NeedsModel);
            current = a; // a full or bitmap dump holds any process's object
        }
        if (current == 0) throw new CommandException("!process: the dump names no current process (its bugcheck thread has no owning process)");

        var notes = new List<string>();
        var process = Read(s, current, notes);
        // Flags 1, 2 and 4 ask for the threads (WinDbg's !process flag bits).
        if (triage && (flags & 0x7) != 0) notes.Add(NoThreadList);
        var threads = triage ? null : KernelProcessThreads.For(s, current, flags, KernelThreadContext.CurrentThread(s), notes);
        return process with { Notes = notes.Distinct().ToList(), Threads = threads };
    }

    // "!process 0 Flags": every process on the list at nt!PsActiveProcessHead, in list order. A
    // damaged list ends the walk with a note (a link outside the dump, a loop, a runaway length).
    private const int MaxProcesses = 100_000;

    private static CompositeResult AllProcesses(DebugSession s, ulong flags, string? image)
    {
        var k = (Targets.IKernelTarget)s.Target;
        var outcomes = new List<CommandOutcome> { new("!process 0", new TextResult("**** NT ACTIVE PROCESS DUMP ****"), null) };
        var fields = new KernelFields(s, []);
        var eprocess = fields.Type("_EPROCESS") ?? throw new CommandException("!process 0: nt!_EPROCESS is not in the kernel's symbols");
        ulong links = KernelFields.OffsetOf(eprocess, "ActiveProcessLinks") ?? throw new CommandException("!process 0: _EPROCESS has no ActiveProcessLinks");
        ulong head = k.PsActiveProcessHead;
        if (head == 0) throw new CommandException("!process 0: the dump names no PsActiveProcessHead");
        var seen = new HashSet<ulong>();
        ulong running = (flags & 0x6) != 0 ? KernelThreadContext.CurrentThread(s) : 0;
        ulong link = ReadPointer(s, head, out string? problem);
        while (problem == null && link != head)
        {
            if (!seen.Add(link) || seen.Count > MaxProcesses)
            {
                problem = $"the process list loops or runs past {MaxProcesses} entries at {Hex.Pointer(link, s.PointerSize)}: stopping";
                break;
            }
            var notes = new List<string>();
            var process = Read(s, link - links, notes);
            if (image == null || MatchesImage(process.ImageFileName, image))
            {
                var threads = KernelProcessThreads.For(s, link - links, flags, running, notes);
                outcomes.Add(new CommandOutcome("!process 0", process with { Notes = notes.Distinct().ToList(), Threads = threads }, null));
            }
            link = ReadPointer(s, link, out problem);
        }
        if (problem != null) outcomes.Add(new CommandOutcome("!process 0", new TextResult(problem), null));
        return new CompositeResult(outcomes);
    }

    // ImageFileName keeps only the first 14 characters of the name.
    private static bool MatchesImage(string? name, string wanted) =>
        name != null && (name.Equals(wanted, StringComparison.OrdinalIgnoreCase)
            || name.Length == 14 && wanted.StartsWith(name, StringComparison.OrdinalIgnoreCase));

    private static ulong ReadPointer(DebugSession s, ulong address, out string? problem)
    {
        problem = null;
        if (s.Memory.TryReadPointer(address, s.PointerSize, out ulong value, out var fault)) return value;
        problem = $"the process list is broken at {Hex.Pointer(address, s.PointerSize)}: {fault?.Detail ?? "unreadable"}";
        return 0;
    }

    private static ProcessResult Read(DebugSession s, ulong address, List<string> notes)
    {
        var fields = new KernelFields(s, notes);
        var eprocess = fields.Type("_EPROCESS");
        ulong? session = fields.Read(eprocess, address, "Session");
        ulong? sessionId = null;
        // The System process and other session-less processes have no session: WinDbg prints "none".
        if (session is ulong at && at != 0) sessionId = fields.Read(fields.Type("_MM_SESSION_SPACE"), at, "SessionId");
        ulong? objectTable = fields.Read(eprocess, address, "ObjectTable");
        return new ProcessResult(s.PointerSize, address,
            session, sessionId,
            fields.Read(eprocess, address, "UniqueProcessId"),
            fields.Read(eprocess, address, "Peb"),
            fields.Read(eprocess, address, "InheritedFromUniqueProcessId"),
            fields.Read(eprocess, address, "Pcb.DirectoryTableBase"),
            objectTable,
            HandleCount(s, fields, objectTable, notes),
            fields.ReadAnsi(eprocess, address, "ImageFileName"),
            notes);
    }

    private static ulong? HandleCount(DebugSession s, KernelFields fields, ulong? objectTable, List<string> notes)
    {
        if (objectTable is not ulong table || table == 0) return objectTable == 0 ? 0 : null;
        var type = fields.Type("_HANDLE_TABLE");
        if (type == null) return null;
        // Windows 8.1 dropped the counter: the count is the table's in-use entries.
        if (!KernelFields.Has(type, "HandleCount")) return HandleTableWalker.Count(s, fields, type, table, notes);
        return fields.Read(type, table, "HandleCount");
    }
}
