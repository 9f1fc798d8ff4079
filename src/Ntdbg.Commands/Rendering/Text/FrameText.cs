using Ntdbg.Commands.Commands.Stacks;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>WinDbg's `.frame`: the frame's `kn` line (no header), then its registers with /r or /c.</summary>
public sealed class FrameText : TextRenderer<FrameResult>
{
    protected override void Render(FrameResult r, TextWriter o)
    {
        o.WriteLine(StackText.Line(r.Line, r.PointerSize, numbered: true));
        if (r.Registers != null) TextRendering.Default.Render(r.Registers, o);
    }
}
