using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Processes;

/// <summary>A session's own list of processes: _MM_SESSION_SPACE.ProcessList through EPROCESS.SessionProcessLinks.</summary>
public static class SessionProcessList
{
    /// <summary>The first process on the session's list; null (with a note) when the list cannot be read or is empty.</summary>
    public static ulong? First(DebugSession s, SessionInfo session, List<string> notes)
    {
        var fields = new KernelFields(s, notes);
        if (fields.Type("_MM_SESSION_SPACE") is not { } space || KernelFields.OffsetOf(space, "ProcessList") is not ulong listAt) return null;
        if (fields.Type("_EPROCESS") is not { } eprocess || KernelFields.OffsetOf(eprocess, "SessionProcessLinks") is not ulong linksAt) return null;
        ulong head = session.SessionSpace + listAt;
        if (!s.Memory.TryReadPointer(head, s.PointerSize, out ulong link, out var fault))
        {
            notes.Add($"session {session.SessionId}'s process list at {Hex.Pointer(head, s.PointerSize)} is not readable: {fault?.Detail ?? "unreadable"}");
            return null;
        }
        if (link == head || link == 0)
        {
            notes.Add($"session {session.SessionId}'s process list is empty");
            return null;
        }
        return link - linksAt;
    }
}
