using Ntdbg.Analyses.HeapLeak;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Commands.Address;
using Ntdbg.Commands.Commands.Heap;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;

namespace Ntdbg.Commands.Commands.HeapLeak;

/// <summary>
/// `ntdbg triage leak`: gathers what <see cref="HeapLeakTriage"/> reads from a user dump's session —
/// the heaps (ntdll's types when its symbols load, else the kernel's; Wine's heap needs none), module
/// ranges, captured stacks, every thread's registers, symbol names and the address-space usage.
/// </summary>
public static class LeakTriage
{
    public static HeapLeakReport Run(DebugSession session, int topSizeClasses = 5)
    {
        var target = session.Target;
        var heaps = HeapProcess.Find(session);
        var modules = session.Modules.ByBase.Select(m => new ModuleRange(m.Name, m.Base, m.End)).ToList();
        var map = target is IUserTarget user ? AddressCommand.BuildMap(session, user, heaps) : null;
        IReadOnlyList<StackRange> stacks = map != null ? AddressUsage.Stacks(map)
            : target.Threads.Where(t => t.StackSize > 0).Select(t => new StackRange(t.ThreadId, t.StackStart, t.StackStart + t.StackSize)).ToList();
        var registers = target.Threads.Where(t => t.Context != null).SelectMany(t => t.Context!.Registers.Select(r => r.Value)).ToList();
        var (usage, usageNotes) = AddressUsage.Summarize(map);
        var input = new HeapLeakInput(target.Path, session.Memory, session.PointerSize, heaps, modules, stacks, registers,
            a => session.SymbolTable.FormatAddress(a), usage, usageNotes);
        return HeapLeakTriage.Run(input, topSizeClasses);
    }
}
