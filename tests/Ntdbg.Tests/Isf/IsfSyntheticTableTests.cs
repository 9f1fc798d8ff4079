using Ntdbg.Symbols.Isf;
using Ntdbg.Synth.Isf;
using B = Ntdbg.Synth.Isf.IsfJsonBuilder;

namespace Ntdbg.Tests.Isf;

/// <summary>Small tables written by <see cref="IsfJsonBuilder"/>: every value placed in the JSON comes back.</summary>
public sealed class IsfSyntheticTableTests
{
    internal static B Sample() => new B()
        .StandardBaseTypes()
        .UserType("_NODE", "struct", 0x30,
            ("Links", 0, B.Struct("_LIST_ENTRY")),
            ("Flags", 0x10, B.Base("unsigned long")),
            ("Valid", 0x14, B.Bitfield(B.Base("unsigned long long"), 0, 1)),
            ("Frame", 0x14, B.Bitfield(B.Base("unsigned long long"), 12, 36)),
            ("Name", 0x20, B.Array(B.Base("unsigned short"), 4)),
            ("Callback", 0x28, B.Pointer(B.Function())),
            ("State", 0x2c, B.EnumRef("_STATE")))
        .UserType("_LIST_ENTRY", "struct", 16,
            ("Flink", 0, B.Pointer(B.Struct("_LIST_ENTRY"))),
            ("Blink", 8, B.Pointer(B.Struct("_LIST_ENTRY"))))
        .UserType("_U", "union", 8, ("AsLong", 0, B.Base("unsigned long")), ("AsQuad", 0, B.Base("unsigned long long")))
        .UserType("_OPAQUE_USER", "struct", 8, ("Opaque", 0, B.Pointer(B.Struct("_NOT_IN_TABLE"))), ("Inline", 0, B.Struct("_NOT_IN_TABLE")))
        .Enum("_STATE", "long", 4, ("Idle", "0"), ("Busy", "1"), ("Broken", "-1"), ("AlsoBusy", "1"))
        .Enum("_MASKS", "unsigned long long", 8, ("All", "18446744073709551615"))
        .Symbol("Alpha", "4096")
        .Symbol("Beta", "8192")
        .Symbol("BetaAlias", "8192")
        .Symbol("Gamma", "12288", B.Struct("_NODE"));

    private static IsfSymbolTable Parse(B builder) => IsfSymbolTable.Parse("synth.json", builder.BuildUtf8());

    [Fact]
    public void MetadataComesBack()
    {
        var t = Parse(Sample());
        Assert.Equal("6.1.0", t.Metadata.Format);
        Assert.Equal("synth", t.Metadata.ProducerName);
        Assert.Equal("synth.pdb", t.Metadata.PdbName);
        Assert.Equal(Guid.ParseExact("11223344556677889900AABBCCDDEEFF", "N"), t.Metadata.PdbGuid);
        Assert.Equal(2u, t.Metadata.PdbAge);
        Assert.True(t.Metadata.Matches(Guid.ParseExact("11223344556677889900AABBCCDDEEFF", "N"), 2));
        Assert.False(t.Metadata.Matches(Guid.ParseExact("11223344556677889900AABBCCDDEEFF", "N"), 3));
    }

    [Fact]
    public void FieldsAreSortedByOffsetThenBitAndTypesResolve()
    {
        var t = Parse(Sample());
        var node = t.TryGetUserType("_NODE")!;
        Assert.Equal(IsfTypeKind.Struct, node.Kind);
        Assert.Equal(0x30, node.Size);
        Assert.Equal(["Links", "Flags", "Valid", "Frame", "Name", "Callback", "State"], node.Fields.Select(f => f.Name));
        var frame = node.GetField("Frame")!;
        Assert.Equal((0x14L, 12, 36), (frame.Offset, frame.Type.BitPosition, frame.Type.BitLength));
        Assert.True(frame.IsBitfield);
        Assert.Equal(8, t.SizeOf(frame.Type));
        Assert.Equal(8, t.SizeOf(node.GetField("Name")!.Type));       // 4 x unsigned short
        Assert.Equal(16, t.SizeOf(node.GetField("Links")!.Type));      // struct by its declared size
        Assert.Equal(8, t.SizeOf(node.GetField("Callback")!.Type));    // pointer = "pointer" base type
        Assert.Equal(4, t.SizeOf(node.GetField("State")!.Type));       // enum size
        Assert.Null(t.SizeOf(node.GetField("Callback")!.Type.Subtype!)); // functions have no size
        Assert.Equal("unsigned short[4]", node.GetField("Name")!.Type.ToString());
        Assert.Equal(IsfTypeKind.Union, t.TryGetUserType("_U")!.Kind);
        Assert.Null(t.TryGetUserType("_NOPE"));
        // A pointer to a type the table lacks is fine; the type itself has no size.
        var opaque = t.TryGetUserType("_OPAQUE_USER")!;
        Assert.Equal(8, t.SizeOf(opaque.GetField("Opaque")!.Type));
        Assert.Null(t.SizeOf(opaque.GetField("Inline")!.Type));
    }

    [Fact]
    public void EnumsKeepSignedAndUnsigned64BitValues()
    {
        var t = Parse(Sample());
        var state = t.TryGetEnum("_STATE")!;
        Assert.Equal(["Broken", "Idle", "AlsoBusy", "Busy"], state.Constants.Select(c => c.Name)); // by value, then name
        Assert.True(state.TryGetValue("Broken", out long broken) && broken == -1);
        Assert.Equal(["AlsoBusy", "Busy"], state.NamesOf(1));
        Assert.True(t.TryGetEnum("_MASKS")!.TryGetValue("All", out long all) && unchecked((ulong)all) == ulong.MaxValue);
    }

    [Fact]
    public void SymbolsByNameRvaAndWildcard()
    {
        var t = Parse(Sample());
        Assert.True(t.TryGetSymbolRva("Beta", out uint beta) && beta == 8192);
        Assert.True(t.TryGetSymbolRva("GAMMA", out uint gamma) && gamma == 12288);
        Assert.Equal("_NODE", t.GetSymbol("Gamma")!.Type!.Name);
        Assert.False(t.TryFindByRva(4095, out _, out _));           // before the first symbol
        Assert.True(t.TryFindByRva(4096, out string n, out uint d) && n == "Alpha" && d == 0);
        Assert.True(t.TryFindByRva(8191, out n, out d) && n == "Alpha" && d == 4095);
        Assert.True(t.TryFindByRva(8200, out n, out d) && n == "Beta" && d == 8); // ordinal-first of the two at 8192
        Assert.True(t.TryFindByRva(uint.MaxValue, out n, out _) && n == "Gamma");
        Assert.Equal(["Beta", "BetaAlias"], t.FindSymbols("beta*").Select(s => s.Name));
        Assert.Equal(["Alpha", "Gamma"], t.FindSymbols("*a").Where(s => s.Name != "Beta").Select(s => s.Name));
        Assert.Equal(["Beta"], t.FindSymbols("B?ta").Select(s => s.Name));
        Assert.Equal(4, t.FindSymbols("*").Count);
        Assert.Empty(t.FindSymbols("Delta*"));
    }

    [Fact]
    public void SelfContainingAndMutuallyReferringTypesSizeWithoutRecursion()
    {
        // A type graph with cycles through names: sizes come from the declared sizes, so no walk loops.
        var b = new B().StandardBaseTypes()
            .UserType("_A", "struct", 8, ("Self", 0, B.Struct("_A")), ("Next", 0, B.Pointer(B.Struct("_A"))))
            .UserType("_B", "struct", 64, ("Cs", 0, B.Array(B.Struct("_C"), 4)))
            .UserType("_C", "struct", 16, ("B", 0, B.Struct("_B")));
        var t = Parse(b);
        Assert.Equal(8, t.SizeOf(t.TryGetUserType("_A")!.GetField("Self")!.Type));
        Assert.Equal(64, t.SizeOf(t.TryGetUserType("_B")!.GetField("Cs")!.Type));
        Assert.Equal(64, t.SizeOf(t.TryGetUserType("_C")!.GetField("B")!.Type));
    }

    [Fact]
    public void UnknownKeysAreSkipped()
    {
        var b = Sample()
            .ExtraTopLevel("future_section", "[1, 2, {\"x\": [3]}]")
            .RawMember("symbols", "WithExtras", "{\"address\": 20480, \"constant_data\": \"AAEC\", \"future\": {\"a\": [1]}}");
        var t = Parse(b);
        Assert.True(t.TryGetSymbolRva("WithExtras", out uint rva) && rva == 20480);
    }

    [Fact]
    public void PlainJsonFileLoadsFromDisk()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-isf-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllBytes(path, Sample().BuildUtf8());
            var t = IsfSymbolTable.Load(path);
            Assert.Equal(path, t.Path);
            Assert.True(t.TryGetSymbolRva("Alpha", out uint a) && a == 4096);
        }
        finally { File.Delete(path); }
    }
}
