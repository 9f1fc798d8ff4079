using Ntdbg.Commands.Commands.Types;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class DxText : TextRenderer<DxResult>
{
    protected override void Render(DxResult r, TextWriter o)
    {
        foreach (var l in r.Lines) o.WriteLine(new string(' ', 4 * l.Level) + l.Text);
    }
}
