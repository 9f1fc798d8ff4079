using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Language.Cpp;

/// <summary>
/// A typed value of the C++ evaluator: scalars (integers, pointers, enums) carry their bits in
/// Value; objects (structures, arrays) live at Address. Address is set for every lvalue, so `&amp;`
/// and member access work; Module names the symbols the type came from ("nt").
/// </summary>
public sealed record CppValue(DbgType Type, ulong Value, ulong? Address, string? Module)
{
    /// <summary>Set when the lvalue's bytes could not be read: `&amp;` still works, using the value throws this.</summary>
    public string? ReadError { get; init; }

    /// <summary>The scalar bits, or the read error as an exception.</summary>
    public ulong Bits => ReadError == null ? Value : throw new ExpressionException(ReadError);

    public bool IsObject => Type is UdtType or ArrayType;
}
