using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Processors;

/// <summary>!prcb [n]: processor n's (default: the current processor's) _KPRCB summary.</summary>
[Command("!prcb", Summary = "A processor's control block (_KPRCB)", Usage = "!prcb [Processor]", Scope = CommandScope.Kernel)]
public sealed class PrcbCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        var blocks = ProcessorBlocks.Of(s, "!prcb");
        uint n = ProcessorBlocks.Requested(context, "!prcb");
        ulong prcb = blocks.Prcb(n, "!prcb");
        var notes = new List<string>();
        var f = new KernelFields(s, notes);
        var t = blocks.Type("_KPRCB", "!prcb");
        ulong? R(string path) => f.Read(t, prcb, path);
        // The IRQL is the processor's own (_KPCR.Irql), not the debugger-saved copy !irql shows.
        ulong? irql = f.Read(blocks.Type("_KPCR", "!prcb"), blocks.Kpcr(prcb, "!prcb"), "Irql");
        return new PrcbResult(n, prcb, irql, R("CurrentThread"), R("NextThread"), R("IdleThread"), R("Number"), R("Group"), R("GroupIndex"), R("GroupSetMember"),
            R("InterruptCount"), R("DpcTime"), R("InterruptTime"), R("KernelTime"), R("UserTime"), notes);
    }
}

/// <summary>WinDbg's x64 !prcb layout.</summary>
public sealed class PrcbText : Rendering.Text.TextRenderer<PrcbResult>
{
    protected override void Render(PrcbResult r, TextWriter o)
    {
        static string P(ulong? v) => v is ulong x ? x.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) : "?";
        static string D(ulong? v) => v is ulong x ? x.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";
        static string W(ulong? v) => v is ulong x ? x.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) : "?";
        o.WriteLine($"PRCB for Processor {r.Processor} at {r.Address:x16}:");
        o.WriteLine($"Current IRQL -- {D(r.Irql)}");
        o.WriteLine($"Threads--  Current {P(r.CurrentThread)} Next {P(r.NextThread)} Idle {P(r.IdleThread)}");
        o.WriteLine($"Processor Index {D(r.Number)} Number ({D(r.Group)}, {D(r.GroupIndex)}) GroupSetMember {(r.GroupSetMember is ulong m ? m.ToString("x", System.Globalization.CultureInfo.InvariantCulture) : "?")}");
        o.WriteLine($"Interrupt Count -- {W(r.InterruptCount)}");
        o.WriteLine($"Times -- Dpc    {W(r.DpcTime)} Interrupt {W(r.InterruptTime)} ");
        o.WriteLine($"         Kernel {W(r.KernelTime)} User      {W(r.UserTime)} ");
        foreach (var n in r.Notes.Distinct()) o.WriteLine(n);
    }
}
