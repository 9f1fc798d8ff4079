using Ntdbg.Commands.Commands.Locals;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// WinDbg's `dv`: one variable a line, names right-aligned ("           argc = 0n1"); /t puts
/// the type before the name, /v the address or @register before that, /i "prv param" or
/// "prv local" first.
/// </summary>
public sealed class DvText : TextRenderer<DvResult>
{
    protected override void Render(DvResult r, TextWriter o)
    {
        int width = r.Variables.Select(v => Label(r, v).Length).DefaultIfEmpty(0).Max();
        int whereWidth = r.PointerSize == 8 ? 17 : 8;
        foreach (var v in r.Variables)
        {
            string line = "";
            if (r.Kinds) line += v.IsParameter ? "prv param  " : "prv local  ";
            if (r.Where) line += (v.Where ?? "").PadRight(whereWidth) + " ";
            line += Label(r, v).PadLeft(Math.Max(width, 14)) + " = " + v.Value;
            o.WriteLine(line);
        }
    }

    private static string Label(DvResult r, Commands.Stacks.VariableValue v) => r.Types ? $"{v.TypeName} {v.Name}" : v.Name;
}
