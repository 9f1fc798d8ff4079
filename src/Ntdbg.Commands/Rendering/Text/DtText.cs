using Ntdbg.Commands.Commands.Types;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>`dt` laid out as WinDbg: "   +0x000 Name             : Text", names padded to 16 less 3 per level.</summary>
public sealed class DtText : TextRenderer<DtResult>
{
    protected override void Render(DtResult r, TextWriter o)
    {
        if (r.TypeNames != null)
        {
            foreach (var n in r.TypeNames) o.WriteLine($"          {n}");
            return;
        }
        if (r.Header != null) o.WriteLine(r.Header);
        foreach (var l in r.Lines)
        {
            if (l.Depth < 0)
            {
                o.WriteLine(l.Text);
                continue;
            }
            string indent = new(' ', 3 + 3 * l.Depth);
            string name = l.Name.PadRight(Math.Max(0, 16 - 3 * l.Depth));
            o.WriteLine($"{indent}+0x{l.Offset:x3} {name} : {l.Text}".TrimEnd());
        }
        foreach (var n in r.Notes) o.WriteLine(n);
    }
}
