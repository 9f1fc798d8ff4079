using Ntdbg.Commands.Commands.Stacks;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// WinDbg's `k`: x64 " # Child-SP          RetAddr               Call Site", x86 " # ChildEBP RetAddr  "
/// with kb/kv's "Args to Child" and kv's FPO/trap-frame notes.
/// </summary>
public sealed class StackText : TextRenderer<StackResult>
{
    protected override void Render(StackResult r, TextWriter o)
    {
        string number = r.Numbered ? " # " : "";
        bool x86 = r.PointerSize == 4;
        if (x86)
            o.WriteLine($"{number}ChildEBP RetAddr  {(r.WithArguments ? "Args to Child              " : "")}");
        else
            o.WriteLine(r.WithArguments
                ? $"{number}Child-SP          RetAddr               : Args to Child                                                           : Call Site"
                : $"{number}Child-SP          RetAddr               Call Site");
        foreach (var l in r.Lines)
        {
            string n = r.Numbered ? $"{l.Frame.Number:x2} " : "";
            string site = l.Annotation == null ? l.CallSite : $"{l.CallSite} {l.Annotation}";
            if (x86)
            {
                string args = l.Arguments is { } xa ? string.Join("", xa.Select(v => (v is ulong x ? $"{x:x8}" : "????????") + " ")) : "";
                o.WriteLine($"{n}{l.Frame.FramePointer:x8} {l.Frame.ReturnAddress:x8} {args}{site}");
                continue;
            }
            string head = $"{n}{Hex.Pointer(l.Frame.StackPointer, r.PointerSize)} {Hex.Pointer(l.Frame.ReturnAddress, r.PointerSize)}";
            if (l.Arguments is { } a)
                o.WriteLine($"{head} : {string.Join(' ', a.Select(v => v is ulong x ? Hex.Pointer(x, r.PointerSize) : "????????`????????"))} : {site}");
            else
                o.WriteLine($"{head}     {site}");
        }
        if (r.Stopped != null) o.WriteLine(r.Stopped);
    }
}
