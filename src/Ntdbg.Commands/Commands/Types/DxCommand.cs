using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Language;
using Ntdbg.Commands.Language.Cpp;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Types;

/// <summary>
/// dx [-r[n]] Expression: the data model view of a C++ expression, for plain paths — casts,
/// members, indexes. Structures (and pointers to them) list their members one level deep (or n
/// with -r). Not supported: LINQ queries, NatVis, the Debugger.* object model, -g/-h/-v.
/// </summary>
[Command("dx", Summary = "Display a C++ expression as the data model shows it (plain paths)",
    Usage = "dx [-r[n]] Expression   e.g. dx ((nt!_EPROCESS*)0xffff...)->ActiveProcessLinks")]
public sealed class DxCommand : ICommand
{
    private const int MaxLines = 20_000;

    public object? Execute(CommandContext context)
    {
        string text = context.Arguments.Trim();
        int depth = 1;
        if (text.StartsWith("-r", StringComparison.Ordinal))
        {
            int end = text.IndexOf(' ');
            if (end < 0) throw new CommandException("dx: an expression is needed");
            depth = end > 2 && int.TryParse(text[2..end], out int n) ? Math.Clamp(n, 0, 8) : 1;
            text = text[end..].Trim();
        }
        if (text.Length == 0) throw new CommandException("dx: an expression is needed");
        var s = context.Session;
        var evaluator = new CppEvaluator(s);
        var value = evaluator.Evaluate(text);
        var lines = new List<DxLine> { new(0, Describe(text, value, s.PointerSize, out var expand)) };
        if (expand != null && depth > 0) Members(evaluator, expand, 1, depth, lines, s.PointerSize);
        return new DxResult(lines);
    }

    private static string Plain(DbgType t) =>
        CppTypes.Spell(t).Replace("struct ", "").Replace("class ", "").Replace("union ", "");

    // A pointer to a structure shows the structure's members under it.
    private static string Describe(string name, CppValue v, int pointerSize, out CppValue? expand)
    {
        expand = null;
        if (v.Type is UdtType && v.Address != null)
        {
            expand = v;
            return $"{name} [Type: {Plain(v.Type)}]";
        }
        if (v.Type is PointerType { Target: UdtType target } && v.Value != 0)
            expand = new CppValue(target, 0, v.Value, v.Module);
        return $"{name} : {CppEvalCommand.Format(v, pointerSize)} [Type: {Plain(v.Type)}]";
    }

    private static void Members(CppEvaluator evaluator, CppValue obj, int level, int depth, List<DxLine> lines, int pointerSize)
    {
        if (obj.Type is not UdtType u) return;
        foreach (var f in u.Fields)
        {
            if (lines.Count >= MaxLines) return;
            if (f.FieldKind == UdtFieldKind.Static) continue;
            string label = $"[+0x{f.Offset:x3}] {f.Name}";
            if (f.Type is UdtType sub)
            {
                lines.Add(new DxLine(level, $"{label,-24} [Type: {Plain(f.Type)}]"));
                if (level < depth) Members(evaluator, new CppValue(sub, 0, obj.Address + f.Offset, obj.Module), level + 1, depth, lines, pointerSize);
                continue;
            }
            string value;
            try
            {
                value = CppEvalCommand.Format(evaluator.Field(obj, f), pointerSize);
            }
            catch (ExpressionException e)
            {
                value = $"<{e.Message}>";
            }
            string bits = f.IsBitfield ? $" (Pos {f.BitPosition}, {f.BitLength} Bit{(f.BitLength == 1 ? "" : "s")})" : "";
            lines.Add(new DxLine(level, $"{label,-24} : {value} [Type: {Plain(f.Type)}]{bits}"));
        }
    }
}

public sealed record DxLine(int Level, string Text);

public sealed record DxResult(IReadOnlyList<DxLine> Lines);
