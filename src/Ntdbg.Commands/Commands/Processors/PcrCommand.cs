using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Processors;

/// <summary>!pcr [n]: processor n's (default: the current processor's) _KPCR.</summary>
[Command("!pcr", Summary = "A processor's control region (_KPCR)", Usage = "!pcr [Processor]", Scope = CommandScope.Kernel)]
public sealed class PcrCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        var blocks = ProcessorBlocks.Of(s, "!pcr");
        uint n = ProcessorBlocks.Requested(context, "!pcr");
        ulong prcb = blocks.Prcb(n, "!pcr");
        ulong kpcr = blocks.Kpcr(prcb, "!pcr");
        var notes = new List<string>();
        var f = new KernelFields(s, notes);
        var pcr = blocks.Type("_KPCR", "!pcr");
        var prcbType = blocks.Type("_KPRCB", "!pcr");
        // Fields x64's _KPCR does not have print as absent, without a note per line.
        ulong? Opt(string path) => KernelFields.Has(pcr, path) ? f.Read(pcr, kpcr, path) : null;
        return new PcrResult(n, kpcr, (ushort?)f.Read(pcr, kpcr, "MajorVersion"), (ushort?)f.Read(pcr, kpcr, "MinorVersion"),
            f.Read(pcr, kpcr, "NtTib.ExceptionList"), f.Read(pcr, kpcr, "NtTib.StackBase"), f.Read(pcr, kpcr, "NtTib.StackLimit"),
            f.Read(pcr, kpcr, "NtTib.SubSystemTib"), f.Read(pcr, kpcr, "NtTib.Version"), f.Read(pcr, kpcr, "NtTib.ArbitraryUserPointer"), f.Read(pcr, kpcr, "NtTib.Self"),
            Opt("Self") ?? Opt("SelfPcr"), Opt("CurrentPrcb") ?? Opt("Prcb"), f.Read(pcr, kpcr, "Irql"), Opt("IRR"), Opt("IDR"), Opt("InterruptMode"),
            Opt("IdtBase") ?? Opt("IDT"), Opt("GdtBase") ?? Opt("GDT"), Opt("TssBase") ?? Opt("TSS"),
            f.Read(prcbType, prcb, "CurrentThread"), f.Read(prcbType, prcb, "NextThread"), f.Read(prcbType, prcb, "IdleThread"),
            notes);
    }
}

/// <summary>WinDbg's !pcr layout: labels right-aligned to column 25, values as pointers.</summary>
public sealed class PcrText : Rendering.Text.TextRenderer<PcrResult>
{
    protected override void Render(PcrResult r, TextWriter o)
    {
        static string V(ulong? v) => v is ulong x ? x.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) : "(none)";
        void L(string label, ulong? v) => o.WriteLine($"{label,25}: {V(v)}");
        o.WriteLine($"KPCR for Processor {r.Processor} at {r.Address:x16}:");
        o.WriteLine($"    Major {r.Major?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} Minor {r.Minor?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}");
        L("NtTib.ExceptionList", r.ExceptionList); L("NtTib.StackBase", r.StackBase); L("NtTib.StackLimit", r.StackLimit);
        L("NtTib.SubSystemTib", r.SubSystemTib); L("NtTib.Version", r.Version); L("NtTib.UserPointer", r.UserPointer); L("NtTib.SelfTib", r.SelfTib);
        o.WriteLine();
        L("SelfPcr", r.SelfPcr); L("Prcb", r.Prcb); L("Irql", r.Irql); L("IRR", r.Irr); L("IDR", r.Idr); L("InterruptMode", r.InterruptMode);
        L("IDT", r.Idt); L("GDT", r.Gdt); L("TSS", r.Tss);
        o.WriteLine();
        L("CurrentThread", r.CurrentThread); L("NextThread", r.NextThread); L("IdleThread", r.IdleThread);
        foreach (var n in r.Notes.Distinct()) o.WriteLine($"    {n}");
    }
}
