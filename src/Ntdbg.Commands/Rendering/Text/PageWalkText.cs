using Ntdbg.Commands.Commands.Kernel;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// `!pte` as WinDbg lays it out: the VA line, then one column per level ("PXE at", "contains",
/// "pfn … flags"), then what a not-valid last entry holds and why the walk stopped.
/// </summary>
public sealed class PteText : TextRenderer<PteResult>
{
    protected override void Render(PteResult result, TextWriter o)
    {
        var w = result.Walk;
        int addressDigits = w.EntrySize == 8 && w.PagingMode.StartsWith("x64", StringComparison.Ordinal) ? 16 : 8;
        int valueDigits = w.EntrySize * 2;
        // WinDbg's x86 PAE display has no PDPTE column: that table is not in the self-map.
        var shown = w.Levels.Where(l => l.Name != "PDPTE").ToList();
        int cell = Math.Max(Math.Max(11 + addressDigits, 11 + valueDigits), 27);
        o.WriteLine($"{new string(' ', 43)}VA {PageWalkFormat.Hex(w.VirtualAddress, addressDigits)}");
        if (shown.Count > 0)
        {
            o.WriteLine(Row(shown, cell, l => $"{l.Name} at {(l.VirtualAddress is ulong a ? a.ToString(addressDigits == 16 ? "X16" : "X8", null) : new string('?', addressDigits))}"));
            o.WriteLine(Row(shown, cell, l => $"contains {(l.Value is ulong v ? v.ToString(valueDigits == 16 ? "X16" : "X8", null) : new string('?', valueDigits))}"));
            o.WriteLine(Row(shown, cell, l => l.Value == null ? "not in dump"
                : l.Flags!.Valid ? $"pfn {l.Pfn!.Value:x}".PadRight(14) + l.Flags.Letters(w.EntrySize)
                : "not valid"));
        }
        var last = w.Levels.Count > 0 ? w.Levels[^1] : null;
        if (last?.Flags is { Valid: false } f && last.Value is ulong raw)
        {
            switch (f.Software)
            {
                case SoftwarePteKind.Transition: o.WriteLine($"Transition: {last.Pfn:x}"); break;
                case SoftwarePteKind.PageFile: o.WriteLine($"PageFile: {f.PageFileNumber:x}"); o.WriteLine($"Offset: {f.PageFileOffset:x}"); break;
                case SoftwarePteKind.Prototype: o.WriteLine($"Proto: {PageWalkFormat.Prototype(raw, w)}"); break;
                case SoftwarePteKind.DemandZero: o.WriteLine("DemandZero"); break;
            }
            if (f.Software != SoftwarePteKind.Zero) o.WriteLine($"Protect: {f.Protection:x} - {PteFlags.ProtectionName(f.Protection)}");
        }
        if (w.SelfMap.PteBase == null)
            o.WriteLine($"Entry physical addresses: {string.Join("  ", w.Levels.Select(l => $"{l.Name} {l.PhysicalAddress:x}"))}");
        if (!w.SelfMap.Source.StartsWith("nt!MmPteBase", StringComparison.Ordinal))
            o.WriteLine($"PTE base {(w.SelfMap.PteBase is ulong b ? b.ToString("X", null) : "?")}: {w.SelfMap.Source}");
        o.WriteLine(PageWalkFormat.Outcome(w));
    }

    private static string Row(List<PageWalkLevel> levels, int cell, Func<PageWalkLevel, string> text) =>
        string.Concat(levels.Select(l => text(l).PadRight(cell))).TrimEnd();
}

/// <summary>`!vtop` as WinDbg prints it: the directory base, each entry's physical address, the result.</summary>
public sealed class VtopText : TextRenderer<VtopResult>
{
    protected override void Render(VtopResult result, TextWriter o)
    {
        var w = result.Walk;
        bool x64 = w.PagingMode.StartsWith("x64", StringComparison.Ordinal);
        bool pae = !x64 && w.EntrySize == 8;
        string prefix = x64 ? "Amd64VtoP: " : "X86VtoP: ";
        o.WriteLine($"{prefix}Virt {w.VirtualAddress:x}, pagedir {PageWalkFormat.Hex(w.DirectoryTableBase, x64 ? 16 : 8)} ({result.ArgumentMeaning})");
        foreach (var l in w.Levels)
        {
            string name = x64 ? l.Name switch { "PXE" => "PML4E", "PPE" => "PDPE", _ => l.Name } : (pae ? "PAE " : "") + (l.Name == "PDPTE" ? "PDPE" : l.Name);
            o.WriteLine($"{prefix}{name} {PageWalkFormat.Hex(l.PhysicalAddress, x64 || pae ? 16 : 8)}");
        }
        if (w.PhysicalAddress is ulong pa)
        {
            string kind = w.End switch { PageWalkEnd.LargePage => w.PageSize >= 0x4000_0000 ? "Huge page mapped" : "Large page mapped", PageWalkEnd.Transition => "Transition page", _ => "Mapped" };
            o.WriteLine($"{prefix}{(pae ? "PAE " : "")}{kind} phys {PageWalkFormat.Hex(pa, x64 || pae ? 16 : 8)}");
            o.WriteLine($"Virtual address {w.VirtualAddress:x} translates to physical address {pa:x}.");
        }
        else
        {
            o.WriteLine($"{prefix}{w.Reason}");
            o.WriteLine($"Virtual address {w.VirtualAddress:x} translation fails: {w.Reason}.");
        }
    }
}

internal static class PageWalkFormat
{
    public static string Hex(ulong value, int digits) => value.ToString(digits == 16 ? "x16" : "x8", null);

    /// <summary>x64 keeps the prototype PTE's address in bits 16..63 (all ones: "VAD", the VAD decides).</summary>
    public static string Prototype(ulong raw, PageWalk w)
    {
        if (!w.PagingMode.StartsWith("x64", StringComparison.Ordinal)) return raw.ToString("x", null);
        ulong address = raw >> 16;
        return address == 0xFFFF_FFFF_FFFF ? "VAD" : (address | 0xFFFF_0000_0000_0000).ToString("X16", null);
    }

    public static string Outcome(PageWalk w) => w.PhysicalAddress is ulong pa
        ? $"Translates to physical address {pa:x} ({PageWalker.SizeName(w.PageSize ?? 0x1000)} page{(w.End == PageWalkEnd.Transition ? ", in transition" : "")}): {w.Reason}"
        : $"Not translated: {w.Reason}";
}
