using Ntdbg.Commands.Commands.Symbols;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// `ln` as WinDbg prints it: "(fffff804`7bdf5a80)   nt!KeBugCheckEx+0x10   |  (fffff804`7bdf5b00)   nt!Next",
/// then "Exact matches:" and the symbols at the address. Outside every module it prints nothing, as WinDbg does.
/// </summary>
public sealed class LnText : TextRenderer<LnResult>
{
    protected override void Render(LnResult r, TextWriter o)
    {
        if (r.Nearest == null) return;
        string line = $"({Hex.Pointer(r.Nearest.Address, r.PointerSize)})   {r.Nearest.Name}";
        if (r.Next != null) line += $"   |  ({Hex.Pointer(r.Next.Address, r.PointerSize)})   {r.Next.Name}";
        o.WriteLine(line);
        if (r.ExactMatches.Count == 0) return;
        o.WriteLine("Exact matches:");
        foreach (var e in r.ExactMatches) o.WriteLine("    " + e.Describe());
    }
}
