using System.Text.Json;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Model;
using Ntdbg.Tests.Isf;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.SymbolModel;

/// <summary>
/// The ISF tables through the shared model equal the raw JSON (parsed without ntdbg): every user
/// type's size, every field's offset, bitfield position and length, and the shape of its type.
/// </summary>
public sealed class IsfModelTests
{
    public static IEnumerable<object[]> Files() => IsfRawJson.Files();

    [SharedDataTheory]
    [MemberData(nameof(Files))]
    public void EveryUserTypeMatchesTheRawJson(string file)
    {
        if (file == "(absent)") return;
        var source = IsfSymbolSource.Load(IsfRawJson.PathOf(file));
        var raw = IsfRawJson.Root(file).GetProperty("user_types");
        int types = 0, fields = 0;
        foreach (var ut in raw.EnumerateObject())
        {
            var type = Assert.IsType<UdtType>(source.Types.FindType(ut.Name));
            Assert.Equal(ut.Value.GetProperty("size").GetUInt64(), type.Size);
            Assert.Equal(ut.Value.GetProperty("kind").GetString() == "union", type.UdtKind == UdtKind.Union);
            var rawFields = ut.Value.GetProperty("fields").EnumerateObject().ToDictionary(f => f.Name, f => f.Value);
            Assert.Equal(rawFields.Count, type.Fields.Count);
            foreach (var f in type.Fields)
            {
                var r = rawFields[f.Name];
                Assert.Equal(r.GetProperty("offset").GetUInt64(), f.Offset);
                var rt = r.GetProperty("type");
                string kind = rt.GetProperty("kind").GetString()!;
                if (kind == "bitfield")
                {
                    Assert.Equal(rt.GetProperty("bit_position").GetInt32(), f.BitPosition);
                    Assert.Equal(rt.GetProperty("bit_length").GetInt32(), f.BitLength);
                }
                else Assert.False(f.IsBitfield);
                AssertShape(rt, f.Type);
                fields++;
            }
            types++;
        }
        Assert.True(types > 500 && fields > 5000, $"{types} types, {fields} fields");
    }

    // The descriptor kind decides the model kind; names must carry over for named kinds.
    private static void AssertShape(JsonElement rt, DbgType t)
    {
        switch (rt.GetProperty("kind").GetString())
        {
            case "pointer":
                Assert.IsType<PointerType>(t);
                break;
            case "array":
                var a = Assert.IsType<ArrayType>(t);
                Assert.Equal(rt.GetProperty("count").GetUInt64(), a.Count);
                AssertShape(rt.GetProperty("subtype"), a.Element);
                break;
            case "bitfield":
                AssertShape(rt.GetProperty("type"), t);
                break;
            case "struct" or "union" or "class":
                Assert.Equal(rt.GetProperty("name").GetString(), Assert.IsType<UdtType>(t).Name);
                break;
            case "enum":
                Assert.Equal(rt.GetProperty("name").GetString(), Assert.IsType<EnumType>(t).Name);
                break;
            case "base":
                string name = rt.GetProperty("name").GetString()!;
                if (name == "pointer") Assert.IsType<PointerType>(t);
                else Assert.Equal(name, Assert.IsType<PrimitiveType>(t).Name);
                break;
            case "function":
                Assert.IsType<FunctionType>(t);
                break;
        }
    }

    [SharedDataFact(IsfRawJson.Folder)]
    public void SymbolsKeepTheirRvasAndSelfReferencesStayFinite()
    {
        string file = "5278AFF86C341677D7D7835C85B7B844-1.json.xz";
        var source = IsfSymbolSource.Load(IsfRawJson.PathOf(file));
        var raw = IsfRawJson.Root(file).GetProperty("symbols");
        foreach (var s in raw.EnumerateObject())
            Assert.Contains(source.FindByName(s.Name), m => m.Rva == s.Value.GetProperty("address").GetUInt32());

        // _LIST_ENTRY points at itself: walking Flink->Flink->... reuses one cached type.
        var list = Assert.IsType<UdtType>(source.Types.FindType("_LIST_ENTRY"));
        var flink = Assert.IsType<PointerType>(list.GetField("Flink")!.Type);
        Assert.Same(list, flink.Target);
        Assert.Equal(8, flink.PointerSize);
        Assert.Contains(source.Types.MatchTypes("_KTHREAD*"), t => t.Name == "_KTHREAD");
    }
}
