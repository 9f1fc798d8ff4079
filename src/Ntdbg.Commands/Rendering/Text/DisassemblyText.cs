using Ntdbg.Commands.Commands.Disassembly;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>WinDbg's listing: "label:" lines, then "address bytes text" with the bytes padded to 16 columns.</summary>
public sealed class DisassemblyText : TextRenderer<DisassemblyResult>
{
    protected override void Render(DisassemblyResult r, TextWriter o)
    {
        foreach (var l in r.Lines)
        {
            var i = l.Instruction;
            if (r.CallsOnly)
            {
                o.WriteLine($"{l.Label ?? Hex.Pointer(i.Address, r.PointerSize)} ({Hex.Pointer(i.Address, r.PointerSize)}):");
                o.WriteLine($"  {i.Text}");
                continue;
            }
            if (l.Label != null) o.WriteLine(l.Label + ":");
            o.WriteLine(i.Line(r.PointerSize));
        }
        if (r.Stopped != null) o.WriteLine(r.Stopped);
    }
}
