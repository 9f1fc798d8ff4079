using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Threads;

/// <summary>
/// Walks a kernel LIST_ENTRY list (thread lists, IRP lists) from its head, giving the address of
/// each containing object. A damaged list ends the walk with a problem: a link outside the dump,
/// a loop, a runaway length.
/// </summary>
public static class KernelLists
{
    public static List<ulong> Walk(DebugSession s, ulong head, ulong linkOffset, int max, string what, out string? problem)
    {
        var items = new List<ulong>();
        var seen = new HashSet<ulong>();
        problem = null;
        ulong link = head;
        while (true)
        {
            if (!s.Memory.TryReadPointer(link, s.PointerSize, out ulong next, out var fault))
            {
                problem = $"{what} is broken at {Hex.Pointer(link, s.PointerSize)}: {fault?.Detail ?? "unreadable"}";
                break;
            }
            if (next == head) break;
            if (next == 0)
            {
                problem = $"{what} has a null link at {Hex.Pointer(link, s.PointerSize)}";
                break;
            }
            // An entry is only listed when it can be read: a bad link names where it points.
            if (!s.Memory.TryReadPointer(next, s.PointerSize, out _, out var bad))
            {
                problem = $"{what} is broken at {Hex.Pointer(link, s.PointerSize)}: it leads to {Hex.Pointer(next, s.PointerSize)}, {bad?.Detail ?? "unreadable"}";
                break;
            }
            if (!seen.Add(next) || items.Count >= max)
            {
                problem = $"{what} loops or runs past {max} entries at {Hex.Pointer(next, s.PointerSize)}: stopping";
                break;
            }
            items.Add(next - linkOffset);
            link = next;
        }
        return items;
    }
}
