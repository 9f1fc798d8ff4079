using Ntdbg.Analyses.AddressMap;
using static Ntdbg.Analyses.AddressMap.MemoryConstants;
using static Ntdbg.Commands.Commands.Address.AddressFormat;

namespace Ntdbg.Commands.Commands.Address;

/// <summary>
/// `!address Address` in WinDbg's layout: labels padded to 24 columns, state/protection/type as eight hex
/// digits and the name ten columns on, then what owns the region: a thread stack or TEB as
/// `Stack [~N; pid.tid]`, a module's path and name, a heap's handle. Values a map without memory info
/// cannot know print as "unknown".
/// </summary>
public sealed class AddressDetailText : Rendering.Text.TextRenderer<AddressDetailResult>
{
    public const string Unknown = "unknown (the dump has no MemoryInfoList)";

    protected override void Render(AddressDetailResult d, TextWriter o)
    {
        o.WriteLine();
        if (d.Region is not { } r)
        {
            o.WriteLine(d.Source == AddressMapSource.Inferred
                ? $"{Pointer(d.Address, d.PointerSize)} is in no range the dump holds, no module and no thread stack; the dump has no MemoryInfoList, so its usage is unknown"
                : $"{Pointer(d.Address, d.PointerSize)} is in no region of the dump's MemoryInfoList");
            return;
        }
        int p = d.PointerSize;
        o.WriteLine(Line("Usage:", UsageText(r, d.ProcessId)));
        o.WriteLine(Line("Base Address:", Pointer(r.Base, p)));
        o.WriteLine(Line("End Address:", Pointer(r.End, p)));
        o.WriteLine(Line("Region Size:", $"{Pointer(r.Size, p)} {Units(r.Size)}"));
        o.WriteLine(Line("State:", Coded(r.State, v => StateName(v))));
        o.WriteLine(Line("Protect:", Coded(r.Protect, v => ProtectName(v))));
        o.WriteLine(Line("Type:", Coded(r.Type, v => TypeName(v))));
        if (r.State != MemFree)
        {
            o.WriteLine(Line("Allocation Base:", r.AllocationBase is { } ab ? Pointer(ab, p) : Unknown));
            o.WriteLine(Line("Allocation Protect:", Coded(r.AllocationProtect, v => ProtectName(v))));
        }
        foreach (var (label, value) in OwnerLines(r)) o.WriteLine(Line(label, value));
        if (d.Source == AddressMapSource.Inferred && d.Notes.Count > 0) { o.WriteLine(); o.WriteLine(d.Notes[0]); }
    }

    public static string UsageText(AddressRegion r, uint pid)
    {
        string name = AddressUsageNames.Of(r.Usage);
        return r.Owner is { ThreadIndex: { } i, ThreadId: { } tid } && r.Usage is AddressUsage.Stack or AddressUsage.Teb
            ? $"{name} [~{i}; {pid:x}.{tid:x}]"
            : name;
    }

    private static IEnumerable<(string, string)> OwnerLines(AddressRegion r)
    {
        var owner = r.Owner;
        switch (r.Usage)
        {
            case AddressUsage.Image when owner?.Module is { } m:
                yield return ("Module Name:", m);
                yield return ("More info:", $"lmv m {m}");
                yield return ("More info:", $"!lmi {m}");
                yield return ("More info:", $"ln 0x{r.Base:x}");
                if (owner.ModuleBase is { } b) yield return ("More info:", $"!dh 0x{b:x}");
                break;
            case AddressUsage.Stack when owner?.ThreadIndex is { } i:
                yield return ("More info:", $"~{i}k");
                break;
            case AddressUsage.Teb:
                yield return ("More info:", owner?.ThreadIndex is { } t ? $"~{t}s; !teb" : "!teb");
                break;
            case AddressUsage.Peb:
                yield return ("More info:", "!peb");
                break;
            case AddressUsage.Heap when owner?.Heap is { } h:
                yield return ("More info:", $"heap owning the address: !heap 0x{h:x} ({owner.HeapKind})");
                yield return ("More info:", $"heap entry containing the address: !heap -p -a 0x{r.Base:x}");
                break;
            case AddressUsage.Other when owner?.Area is { } a:
                yield return ("More info:", a);
                break;
        }
    }

    private static string Line(string label, string value) => $"{label,-24}{value}";

    private static string Coded(uint? value, Func<uint, string?> name) =>
        value is { } v ? $"{v:x8}          {name(v)}".TrimEnd() : Unknown;
}
