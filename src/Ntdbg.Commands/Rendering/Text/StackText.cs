using Ntdbg.Commands.Commands.Stacks;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>WinDbg's x64 `k`: " # Child-SP          RetAddr               Call Site".</summary>
public sealed class StackText : TextRenderer<StackResult>
{
    protected override void Render(StackResult r, TextWriter o)
    {
        string number = r.Numbered ? " # " : "";
        o.WriteLine(r.WithArguments
            ? $"{number}Child-SP          RetAddr               : Args to Child                                                           : Call Site"
            : $"{number}Child-SP          RetAddr               Call Site");
        foreach (var l in r.Lines)
        {
            string n = r.Numbered ? $"{l.Frame.Number:x2} " : "";
            string head = $"{n}{Hex.Pointer(l.Frame.StackPointer, r.PointerSize)} {Hex.Pointer(l.Frame.ReturnAddress, r.PointerSize)}";
            if (l.Arguments is { } a)
                o.WriteLine($"{head} : {string.Join(' ', a.Select(v => v is ulong x ? Hex.Pointer(x, r.PointerSize) : "????????`????????"))} : {l.CallSite}");
            else
                o.WriteLine($"{head}     {l.CallSite}");
        }
        if (r.Stopped != null) o.WriteLine(r.Stopped);
    }
}
