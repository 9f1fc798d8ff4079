using System.Globalization;
using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// A kernel thread in WinDbg's `!thread` layout: "THREAD addr  Cid pid.tid  Teb: ... Win32Thread:
/// ... WAIT: (Reason) Mode Alertable", the wait objects, "IRP List:", impersonation, owning and
/// attached process, tick counts, times, start address, stack bounds, priorities and the stack.
/// Without flag 0x2 only the first line; without 0x4 no stack. Unknown values print as '?'.
/// </summary>
public sealed class KernelThreadText : TextRenderer<KernelThreadResult>
{
    protected override void Render(KernelThreadResult r, TextWriter o)
    {
        var t = r.Thread;
        string pad = new(' ', r.Indent);
        int ps = r.PointerSize;
        // !thread writes addresses without the ` separator `k` uses.
        string P(ulong? v) => v is ulong x ? x.ToString("x" + (ps * 2), CultureInfo.InvariantCulture) : new string('?', ps * 2);
        string N(ulong? v) => v is ulong x ? x.ToString(CultureInfo.InvariantCulture) : "?";
        string cid = $"{(t.ProcessId is ulong p ? $"{p:x4}" : "????")}.{(t.ThreadId is ulong i ? $"{i:x4}" : "????")}";
        o.WriteLine($"{pad}THREAD {P(t.Address)}  Cid {cid}  Teb: {P(t.Teb)} Win32Thread: {P(t.Win32Thread)} {Status(t)}");
        if ((r.Flags & KernelThreadDetails.WaitDetails) == 0)
        {
            Notes(r, o, pad);
            return;
        }
        foreach (var obj in t.WaitObjects) o.WriteLine($"{pad}    {P(obj.Address)}  {obj.Description}");
        if (t.Irps.Count > 0)
        {
            o.WriteLine($"{pad}IRP List:");
            foreach (var irp in t.Irps)
                o.WriteLine($"{pad}    {P(irp.Address)}: ({X(irp.Type, 4)},{X(irp.Size, 4)}) Flags: {X(irp.Flags, 8)}  Mdl: {(irp.Mdl is 0 ? "00000000" : P(irp.Mdl))}");
        }
        o.WriteLine($"{pad}{(t.Impersonating switch { true => "Impersonating", false => "Not impersonating", null => "Impersonation: ?" })}");
        o.WriteLine($"{pad}Owning Process            {P(t.OwningProcess)}       Image:         {t.OwningImage ?? "?"}");
        o.WriteLine(t.AttachedProcess is ulong a
            ? $"{pad}Attached Process          {P(a)}       Image:         {t.AttachedImage ?? "?"}"
            : $"{pad}Attached Process          N/A            Image:         N/A");
        string ticks = t.TickCount is ulong now && t.WaitTime is ulong began && t.ClockIncrement is ulong inc
            ? $"Ticks: {(uint)now - (uint)began} ({Duration(((uint)now - (uint)began) * inc, days: true)})"
            : "Ticks: ?";
        o.WriteLine($"{pad}Wait Start TickCount      {N(t.WaitTime),-14} {ticks}");
        o.WriteLine($"{pad}Context Switch Count      {N(t.ContextSwitches),-14} IdealProcessor: {N(t.IdealProcessor)}");
        o.WriteLine($"{pad}UserTime                  {Time(t.UserTime, t.ClockIncrement)}");
        o.WriteLine($"{pad}KernelTime                {Time(t.KernelTime, t.ClockIncrement)}");
        string start = t.Win32StartAddress is ulong w ? (t.Win32StartSymbol is { } sym ? $"{sym} (0x{P(w)})" : $"0x{P(w)}") : "?";
        o.WriteLine($"{pad}Win32 Start Address {start}");
        o.WriteLine($"{pad}Stack Init {P(t.InitialStack)} Current {P(t.KernelStack)}");
        o.WriteLine($"{pad}Base {P(t.StackBase)} Limit {P(t.StackLimit)}");
        string decrement = t.PriorityDecrement is long d ? $" PriorityDecrement {d}" : "";
        o.WriteLine($"{pad}Priority {(t.Priority is long pr ? pr.ToString(CultureInfo.InvariantCulture) : "?")} BasePriority {(t.BasePriority is long bp ? bp.ToString(CultureInfo.InvariantCulture) : "?")}{decrement}");
        Notes(r, o, pad);
        if ((r.Flags & KernelThreadDetails.WithStack) == 0) return;
        if (r.Stack != null)
        {
            o.WriteLine($"{pad}Child-SP          RetAddr               Call Site");
            foreach (var l in r.Stack.Lines) o.WriteLine(pad + StackText.Line(l, ps, false));
            if (r.Stack.Stopped != null) o.WriteLine(pad + r.Stack.Stopped);
        }
        else if (r.NoStack != null) o.WriteLine($"{pad}No stack: {r.NoStack}");
        o.WriteLine();
    }

    private static void Notes(KernelThreadResult r, TextWriter o, string pad)
    {
        foreach (var n in r.Thread.Notes) o.WriteLine($"{pad}{n}");
    }

    private static string X(ulong? v, int digits) => v is ulong x ? x.ToString("x" + digits, CultureInfo.InvariantCulture) : new string('?', digits);

    /// <summary>"WAIT: (Executive) KernelMode Non-Alertable", "RUNNING on processor 0", "READY on processor 0".</summary>
    public static string Status(KernelThread t) => t.State switch
    {
        KernelThread.Waiting => $"WAIT: ({t.WaitReason ?? "?"}) {t.WaitMode switch { 0 => "KernelMode", 1 => "UserMode", null => "?", _ => $"Mode{t.WaitMode}" }} {t.Alertable switch { true => "Alertable", false => "Non-Alertable", null => "?" }}",
        KernelThread.Running => $"RUNNING on processor {(t.Processor is ulong p ? p.ToString(CultureInfo.InvariantCulture) : "?")}",
        KernelThread.Ready => $"READY on processor {(t.Processor is ulong p ? p.ToString(CultureInfo.InvariantCulture) : "?")}",
        null => "?",
        _ => (t.StateName ?? $"State {t.State}").ToUpperInvariant(),
    };

    // Tick counts become times with the clock increment (100 ns units per tick).
    private static string Time(ulong? ticks, ulong? increment) =>
        ticks is ulong t ? increment is ulong inc ? Duration(t * inc, days: false) : $"{t} ticks (nt!KeMaximumIncrement is unknown)" : "?";

    private static string Duration(ulong hundredNs, bool days)
    {
        var span = TimeSpan.FromTicks((long)Math.Min(hundredNs, (ulong)TimeSpan.MaxValue.Ticks));
        string hms = $"{(days ? span.Hours : (int)span.TotalHours):d2}:{span.Minutes:d2}:{span.Seconds:d2}.{span.Milliseconds:d3}";
        return days ? $"{span.Days}:{hms}" : hms;
    }
}
