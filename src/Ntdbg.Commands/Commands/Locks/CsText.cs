using Ntdbg.Analyses.Locks;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Locks;

/// <summary>
/// `!cs` as exts.dll lays it out: a dashed line, then "Critical section   = 0x… (symbol)",
/// DebugInfo, LOCKED / NOT LOCKED, LockCount (the waiter count on the modern encoding, the raw value
/// on the legacy one), WaiterWoken (modern only), OwningThread, RecursionCount, LockSemaphore,
/// SpinCount; -o adds "OwningThread DbgId" and the owner's stack; -s the initialization stack or why
/// there is none. Past WinDbg: the threads waiting for each locked section, and the deadlocks.
/// </summary>
public sealed class CsText : Rendering.Text.TextRenderer<CsResult>
{
    protected override void Render(CsResult r, TextWriter o)
    {
        int digits = r.PointerSize * 2;
        var ownerStacks = new List<ThreadStack>();
        foreach (var v in r.Sections)
        {
            var c = v.Section;
            o.WriteLine("-----------------------------------------");
            o.WriteLine($"Critical section   = 0x{c.Address.ToString($"x{digits}")}{(c.Name != null ? $" ({c.Name})" : "")}");
            o.WriteLine($"DebugInfo          = 0x{c.DebugInfo.ToString($"x{digits}")}");
            if (!c.Locked)
            {
                o.WriteLine("NOT LOCKED");
            }
            else
            {
                o.WriteLine("LOCKED");
                o.WriteLine($"LockCount          = 0x{(c.Encoding == LockCountEncoding.Modern ? c.Waiters : c.LockCount):x}");
                if (c.WaiterWoken is bool woken) o.WriteLine($"WaiterWoken        = {(woken ? "Yes" : "No")}");
                o.WriteLine($"OwningThread       = 0x{c.OwningThread.ToString($"x{digits}")}");
                o.WriteLine($"RecursionCount     = 0x{c.RecursionCount:x}");
            }
            o.WriteLine($"LockSemaphore      = 0x{c.LockSemaphore:X}");
            o.WriteLine($"SpinCount          = 0x{c.SpinCount.ToString($"x{digits}")}");
            if (c.Locked)
            {
                string owner = v.OwnerIndex is int i ? $"~{i}s{(v.OwnerName != null ? $" \"{v.OwnerName}\"" : "")}" : "not a thread of this dump";
                o.WriteLine($"OwningThread DbgId = {owner}");
                o.WriteLine($"Waiting threads    = {(v.Waiters.Count == 0 ? "none seen on the stacks" : string.Join(", ", v.Waiters.Select(w => DeadlockText.Thread(w.ThreadIndex, w.ThreadId, w.ThreadName))))}");
                if (r.OwnerStacks && r.Stacks.FirstOrDefault(s => s.ThreadId == c.OwnerThreadId) is { } st)
                {
                    o.WriteLine("OwningThread Stack =");
                    if (st.Stack == null) o.WriteLine($"  {st.Missing}");
                    else foreach (var l in st.Stack.Lines) o.WriteLine("    " + Rendering.Text.StackText.Line(l, st.Stack.PointerSize, true));
                }
            }
            if (r.InitStacks) o.WriteLine(InitializationStack(c));
            if (c.DebugNote != null) o.WriteLine($"NOTE: {c.DebugNote}");
        }
        if (r.Sections.Count == 0)
            o.WriteLine(r.Address is { } a ? $"No critical section at {Hex.Pointer(a, r.PointerSize)}"
                : r.SectionsFound == 0 ? "No critical sections found" : $"None of the {r.SectionsFound} critical sections found is locked");
        DeadlockText.Write(r.Waits, r.Cycles, r.Stacks, r.OwnerStacks ? r.Stacks : [], o);
        DeadlockText.Notes(r.Notes, o);
    }

    // The initialization stack lives in the user-mode stack trace database (gflags +ust), indexed by
    // CreatorBackTraceIndex; without the database the index is 0.
    private static string InitializationStack(CriticalSectionInfo c) => c.Debug switch
    {
        null => "No initialization stack trace: the section has no debug record",
        { CreatorBackTraceIndex: 0 } => $"No initialization stack trace for DebugInfo = 0x{c.DebugInfo:x}: CreatorBackTraceIndex is 0 (the process ran without the user-mode stack trace database, gflags +ust)",
        var d => $"Initialization stack trace index {d.CreatorBackTraceIndex} for DebugInfo = 0x{c.DebugInfo:x}: reading the user-mode stack trace database is not supported yet",
    };
}
