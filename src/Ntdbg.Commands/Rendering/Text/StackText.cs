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
        foreach (var l in r.Lines) o.WriteLine(Line(l, r.PointerSize, r.Numbered));
        if (r.Stopped != null) o.WriteLine(r.Stopped);
    }

    /// <summary>One frame's line as `k` prints it (`kn` when numbered; kb/kv's slots when the line has them); `.frame` shows the same line.</summary>
    public static string Line(StackLine l, int pointerSize, bool numbered)
    {
        string n = numbered ? $"{l.Frame.Number:x2} " : "";
        string site = l.Annotation == null ? l.CallSite : $"{l.CallSite} {l.Annotation}";
        if (pointerSize == 4)
        {
            string args = l.Arguments is { } xa ? string.Join("", xa.Select(v => (v is ulong x ? $"{x:x8}" : "????????") + " ")) : "";
            return $"{n}{l.Frame.FramePointer:x8} {l.Frame.ReturnAddress:x8} {args}{site}";
        }
        string head = $"{n}{Hex.Pointer(l.Frame.StackPointer, pointerSize)} {Hex.Pointer(l.Frame.ReturnAddress, pointerSize)}";
        return l.Arguments is { } a
            ? $"{head} : {string.Join(' ', a.Select(v => v is ulong x ? Hex.Pointer(x, pointerSize) : "????????`????????"))} : {site}"
            : $"{head}     {site}";
    }
}
