using Ntdbg.Analyses.HeapLeak;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;

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
        var context = new HeapReadContext(session.Memory, session.PointerSize, name => FindHeapType(session, name));
        var heaps = HeapFinder.Find(context, target.Threads.Select(t => t.Teb));
        var modules = session.Modules.ByBase.Select(m => new ModuleRange(m.Name, m.Base, m.End)).ToList();
        var stacks = target.Threads.Where(t => t.StackSize > 0)
            .Select(t => new StackRange(t.ThreadId, t.StackStart, t.StackStart + t.StackSize)).ToList();
        var registers = target.Threads.Where(t => t.Context != null).SelectMany(t => t.Context!.Registers.Select(r => r.Value)).ToList();
        var (usage, usageNotes) = AddressUsage.Summarize(session, heaps);
        var input = new HeapLeakInput(target.Path, session.Memory, session.PointerSize, heaps, modules, stacks, registers,
            a => session.SymbolTable.FormatAddress(a), usage, usageNotes);
        return HeapLeakTriage.Run(input, topSizeClasses);
    }

    /// <summary>ntdll's heap types when its symbols have them, else any module's (the kernel carries the same Rtl heap).</summary>
    public static UdtType? FindHeapType(DebugSession session, string name) =>
        (session.SymbolTable.FindType("ntdll!" + name) ?? session.SymbolTable.FindType(name))?.Type as UdtType;
}
