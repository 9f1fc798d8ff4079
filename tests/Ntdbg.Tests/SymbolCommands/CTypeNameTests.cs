using Ntdbg.Commands.Commands.Symbols;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Tests.SymbolCommands;

/// <summary>The C spellings `x` prints for types (the x documentation's "unsigned short *[42]"), and their guards.</summary>
public sealed class CTypeNameTests
{
    private static readonly PrimitiveType Int = new("int", PrimitiveKind.Int, 4);
    private static readonly PrimitiveType UShort = new("unsigned short", PrimitiveKind.UInt, 2);

    [Fact]
    public void SpellsDeclaratorsAsC()
    {
        var hinstance = new UdtType("HINSTANCE__", UdtKind.Struct, 4, () => []);
        Assert.Equal("struct HINSTANCE__ *", CTypeName.Of(new PointerType(hinstance, 8)));
        Assert.Equal("unsigned short *[42]", CTypeName.Of(new ArrayType(new PointerType(UShort, 8), 42)));
        Assert.Equal("int [2][3]", CTypeName.Of(new ArrayType(new ArrayType(Int, 3), 2)));
        Assert.Equal("class Blob &", CTypeName.Of(new PointerType(new UdtType("Blob", UdtKind.Class, 8, () => []), 8, isReference: true)));
        Assert.Equal("union U **", CTypeName.Of(new PointerType(new PointerType(new UdtType("U", UdtKind.Union, 8, () => []), 8), 8)));
        var callback = new FunctionType(() => Int, () => [Int]);
        var f = new FunctionType(() => PrimitiveType.Void, () => [new PointerType(callback, 8), Int, new EnumType("Color", Int, [])]);
        Assert.Equal("(<function> *, int, enum Color)", CTypeName.Parameters(f));
        Assert.Equal("void (<function> *, int, enum Color)", CTypeName.Of(f));
        Assert.Equal("(void)", CTypeName.Parameters(new FunctionType(() => Int, () => [])));
    }

    [Fact]
    public void ASelfReferencingTypeGraphPrintsInBoundedTime()
    {
        // A malformed file can make a pointer point at itself; the printer stops at its depth cap.
        PointerType? loop = null;
        loop = new PointerType(() => loop!, 8);
        string text = CTypeName.Of(loop);
        Assert.StartsWith("...", text);
        Assert.True(text.Length < 200, text);

        // A function type used as its own parameter prints as "<function>", not recursively.
        FunctionType? self = null;
        self = new FunctionType(() => self!, () => [self!, self!, self!]);
        Assert.Equal("<function> (<function>, <function>, <function>)", CTypeName.Of(self));
    }
}
