using Ntdbg.Commands.Commands.DumpDebug;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class DumpDebugText : TextRenderer<DumpDebugReport>
{
    protected override void Render(DumpDebugReport r, TextWriter o)
    {
        o.WriteLine(r.Title);
        foreach (var s in r.Sections)
        {
            o.WriteLine();
            o.WriteLine($"{s.Name}:");
            int width = s.Fields.Max(f => f.Name.Length) + 1;
            foreach (var f in s.Fields)
            {
                string value = f.Value is ulong v
                    ? (f.Width == 16 ? $"{v >> 32:x8}`{v & 0xffffffff:x8}" : $"{v:x8}")
                    : "(absent: PAGE filler)";
                o.WriteLine($"{f.Name.PadRight(width)}{value}");
            }
        }
        if (r.StreamLines.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("Streams:");
            foreach (var l in r.StreamLines) o.WriteLine(l);
        }
        foreach (var w in r.Warnings) o.WriteLine($"WARNING: {w}");
    }
}
