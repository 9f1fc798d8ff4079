using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Language.Cpp;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Types;

/// <summary>
/// ?? expression: evaluates a C++ expression (casts, ->, ., [], &amp;, *, sizeof, arithmetic) with the
/// symbols' types and prints the type and value as WinDbg does; a structure prints its members.
/// </summary>
[Command("??", Summary = "Evaluate a C++ expression with types",
    Usage = "?? Expression   e.g. ?? sizeof(nt!_EPROCESS), ?? ((nt!_KTHREAD*)0xffffc08bde9e1640)->Process")]
public sealed class CppEvalCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        string text = context.Arguments.Trim();
        if (text.Length == 0) throw new CommandException("??: an expression is needed");
        var s = context.Session;
        var value = new CppEvaluator(s).Evaluate(text);
        string typeName = CppTypes.Spell(value.Type);
        if (value.Type is UdtType u && value.Address is ulong at)
        {
            var builder = new DtLayoutBuilder(new DtValueFormatter(s.Memory, s.PointerSize, s.SymbolTable.FormatAddress), false);
            builder.Emit(u, at, 0, 0, null);
            return new DtResult(typeName, builder.Lines, builder.Notes);
        }
        return new DtResult(null, [new DtLine(-1, 0, "", $"{typeName} {Format(value, s.PointerSize)}")], []);
    }

    public static string Format(CppValue v, int pointerSize) => v.ReadError != null ? throw new Language.ExpressionException(v.ReadError) : v.Type switch
    {
        PointerType => "0x" + Hex.Pointer(v.Value, pointerSize),
        ArrayType a when v.Address is ulong at => $"0x{Hex.Pointer(at, pointerSize)}",
        EnumType e => e.NameOf((long)v.Value) is { } n ? $"{n} ( 0n{(long)v.Value} )" : $"0n{(long)v.Value}",
        PrimitiveType { Primitive: PrimitiveKind.Bool } => v.Value != 0 ? "true" : "false",
        PrimitiveType { Primitive: PrimitiveKind.Float } p => (p.Size == 4 ? BitConverter.Int32BitsToSingle((int)v.Value) : BitConverter.Int64BitsToDouble((long)v.Value)).ToString(System.Globalization.CultureInfo.InvariantCulture),
        PrimitiveType { Primitive: PrimitiveKind.Char or PrimitiveKind.UChar or PrimitiveKind.WChar } => $"0x{v.Value & 0xffff:x} '{(v.Value is >= 0x20 and < 0x7f ? ((char)v.Value).ToString() : "")}'",
        var t when CppTypes.IsSigned(t) => $"0n{(long)v.Value}",
        _ => $"0x{v.Value:x}",
    };
}
