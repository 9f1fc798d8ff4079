namespace Ntdbg.Commands.Commands.Locks;

/// <summary>
/// ntsdexts' `!locks`: per section "CritSec name+offset at ADDRESS" then LockCount, RecursionCount,
/// OwningThread, EntryCount, ContentionCount (raw values, hex where WinDbg prints hex) and
/// "*** Locked"; "Scanned N critical sections" at the end. Past WinDbg: the waiting threads per
/// section, the blocked threads with their evidence, and the deadlock cycles with stacks.
/// </summary>
public sealed class LocksText : Rendering.Text.TextRenderer<LocksResult>
{
    protected override void Render(LocksResult r, TextWriter o)
    {
        foreach (var v in r.Sections)
        {
            var c = v.Section;
            string name = c.Name == null ? "" : c.Name.Contains('+') ? c.Name : c.Name + "+0";
            o.WriteLine();
            o.WriteLine($"CritSec {name} at {c.Address.ToString(r.PointerSize == 8 ? "X16" : "X8")}");
            o.WriteLine($"LockCount          {c.LockCount}");
            o.WriteLine($"RecursionCount     {c.RecursionCount}");
            o.WriteLine($"OwningThread       {c.OwningThread:x}");
            o.WriteLine($"EntryCount         {(c.Debug is { } d ? d.EntryCount.ToString("x") : "?")}");
            o.WriteLine($"ContentionCount    {(c.Debug is { } e ? e.ContentionCount.ToString("x") : "?")}");
            if (c.Locked)
            {
                o.WriteLine("*** Locked");
                if (v.OwnerIndex is int i) o.WriteLine($"Owner              {DeadlockText.Thread(i, c.OwnerThreadId, v.OwnerName)}");
                o.WriteLine($"Waiting threads    {(v.Waiters.Count == 0 ? "none seen on the stacks" : string.Join(", ", v.Waiters.Select(w => DeadlockText.Thread(w.ThreadIndex, w.ThreadId, w.ThreadName))))}");
            }
        }
        o.WriteLine();
        o.WriteLine($"Scanned {r.Scanned} critical sections");
        DeadlockText.Write(r.Waits, r.Cycles, r.Stacks, [], o);
        DeadlockText.Notes(r.Notes, o);
    }
}
