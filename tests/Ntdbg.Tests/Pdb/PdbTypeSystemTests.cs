using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Symbols.Model;
using Ntdbg.Symbols.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// The TPI through the shared type model (what dt and x /t see), compared with
/// `llvm-pdbutil dump -types` for every real PDB: UDT sizes, data member names and offsets,
/// bitfield positions and lengths, enum constants, pointer sizes, array counts, lookups by name.
/// </summary>
public partial class PdbTypeSystemTests
{
    public static TheoryData<string> Corpus() => PdbCorpus.Theory();

    private sealed record Member(string Name, uint Type, long Offset);

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void UdtLayoutsMatchLlvm(string pdb)
    {
        using var source = PdbSymbolSource.Open(pdb);
        var types = source.PdbTypes;
        Assert.NotNull(types);
        var records = LlvmTypeDump.Read(pdb).ToDictionary(r => r.Index);
        int udts = 0, members = 0, bitfields = 0;
        var sizesByName = new Dictionary<string, HashSet<ulong>>(StringComparer.Ordinal);
        foreach (var r in records.Values.Where(r => r.Leaf is "LF_STRUCTURE" or "LF_CLASS" or "LF_UNION"))
        {
            var opts = r.Lines.Single(l => l.StartsWith("options: ", StringComparison.Ordinal));
            if (opts.Contains("forward ref", StringComparison.Ordinal)) continue;
            ulong size = ulong.Parse(SizeOf().Match(opts).Groups[1].Value, CultureInfo.InvariantCulture);
            var model = Assert.IsType<UdtType>(types.Resolve(r.Index));
            Assert.Equal(r.Name, model.Name);
            Assert.False(model.IsIncomplete);
            Assert.Equal(size, model.Size);
            Assert.Equal(r.Leaf switch { "LF_CLASS" => UdtKind.Class, "LF_UNION" => UdtKind.Union, _ => UdtKind.Struct }, model.UdtKind);
            (sizesByName.TryGetValue(r.Name!, out var set) ? set : sizesByName[r.Name!] = []).Add(size);

            var expected = DataMembers(records, r);
            var got = model.Fields.Where(f => f.FieldKind == UdtFieldKind.Data).ToList();
            Assert.Equal(expected.Select(m => (m.Name, (ulong)m.Offset)), got.Select(f => (f.Name, f.Offset)));
            for (int i = 0; i < expected.Count; i++)
            {
                // A member whose type is an LF_BITFIELD: the model holds the underlying type, position and length.
                if (records.TryGetValue(expected[i].Type, out var target) && target.Leaf == "LF_BITFIELD")
                {
                    var m = Bitfield().Match(target.Lines[0]);
                    Assert.True(m.Success, target.Lines[0]);
                    Assert.True(got[i].IsBitfield, $"{r.Name}.{got[i].Name} is a bitfield");
                    Assert.Equal(int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), got[i].BitPosition);
                    Assert.Equal(int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), got[i].BitLength);
                    Assert.Equal(source.Pdb.Types.SizeOf(LlvmTypeDump.TypeRef(m.Groups[1].Value)), got[i].Type.Size);
                    bitfields++;
                }
                else
                {
                    Assert.False(got[i].IsBitfield);
                    Assert.Equal(source.Pdb.Types.SizeOf(expected[i].Type), got[i].Type.Size);
                }
                _ = got[i].Type.Name; // every member's type has a finite name
            }
            members += got.Count;
            udts++;
        }
        // By name: definitions over forward references (only names whose definitions agree on the size).
        foreach (var (name, sizes) in sizesByName)
            if (sizes.Count == 1)
            {
                var found = Assert.IsType<UdtType>(types.FindType(name));
                Assert.False(found.IsIncomplete);
                Assert.Equal(sizes.Single(), found.Size);
                Assert.Same(found, types.FindType(name.ToUpperInvariant()) is { } upper && upper.Name == name ? upper : found);
            }
        Assert.True(udts > 0 && members > 0, $"{Path.GetFileName(pdb)}: {udts} UDTs, {members} members, {bitfields} bitfields");
    }

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void EnumsPointersAndArraysMatchLlvm(string pdb)
    {
        using var source = PdbSymbolSource.Open(pdb);
        var types = source.PdbTypes!;
        var records = LlvmTypeDump.Read(pdb).ToDictionary(r => r.Index);
        foreach (var r in records.Values)
        {
            switch (r.Leaf)
            {
                case "LF_ENUM" when !string.Join("\n", r.Lines).Contains("forward ref", StringComparison.Ordinal):
                    {
                        var e = Assert.IsType<EnumType>(types.Resolve(r.Index));
                        Assert.Equal(r.Name, e.Name);
                        var fl = Regex.Match(string.Join("\n", r.Lines), @"field list: (0x[0-9A-F]+|<no type>)");
                        var want = records.TryGetValue(LlvmTypeDump.TypeRef(fl.Groups[1].Value), out var list)
                            ? list.Lines.Select(l => Enumerate().Match(l)).Where(m => m.Success)
                                .Select(m => (m.Groups[1].Value, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))).ToList()
                            : [];
                        Assert.Equal(want, e.Constants.Select(c => (c.Name, c.Value)).ToList());
                        break;
                    }
                case "LF_POINTER":
                    {
                        var p = Assert.IsType<PointerType>(types.Resolve(r.Index));
                        string kind = Regex.Match(r.Lines[0], @"kind = (\w+)").Groups[1].Value;
                        if (kind == "ptr64") Assert.Equal(8, p.PointerSize);
                        if (kind == "ptr32") Assert.Equal(4, p.PointerSize);
                        Assert.Equal(r.Lines[0].Contains("mode = ref", StringComparison.Ordinal) || r.Lines[0].Contains("mode = rvalue ref", StringComparison.Ordinal), p.IsReference);
                        _ = p.Name;
                        break;
                    }
                case "LF_ARRAY":
                    {
                        var m = Regex.Match(r.Lines[0], @"^size: (\d+), .*element type: (0x[0-9A-F]+)");
                        var a = Assert.IsType<ArrayType>(types.Resolve(r.Index));
                        ulong size = ulong.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                        ulong element = source.Pdb.Types.SizeOf(LlvmTypeDump.TypeRef(m.Groups[2].Value));
                        Assert.Equal(size, a.Size);
                        Assert.True((element == 0 ? 0 : size / element) == a.Count, $"array 0x{r.Index:x}: {a.Count} elements, expected {size}/{element}");
                        break;
                    }
                case "LF_PROCEDURE":
                    {
                        var f = Assert.IsType<FunctionType>(types.Resolve(r.Index));
                        // The argument list's entries (a variadic "..." is a <no type> entry, counted or not in "# args").
                        var list = records[LlvmTypeDump.TypeRef(Regex.Match(r.Lines[0], @"param list = (0x[0-9A-F]+)").Groups[1].Value)];
                        Assert.Equal(list.Lines.Select(l => l.StartsWith("<no type>", StringComparison.Ordinal) ? "..." : null),
                            f.Parameters.Select(p => p.Name == "..." ? "..." : null));
                        _ = f.Name;
                        break;
                    }
            }
        }
    }

    [SharedDataFact("pdb/test-pdb-types.pdb")]
    public void PrimitiveAndSimplePointerTypesHaveCNames()
    {
        using var source = PdbSymbolSource.Open(TestData.Shared("pdb/test-pdb-types.pdb"));
        var types = source.PdbTypes!;
        Assert.Equal(8, types.PointerSize);
        (uint Index, string Name, ulong Size, PrimitiveKind Kind)[] cases =
        [
            (0x74, "int", 4, PrimitiveKind.Int), (0x12, "long", 4, PrimitiveKind.Int), (0x22, "unsigned long", 4, PrimitiveKind.UInt),
            (0x13, "__int64", 8, PrimitiveKind.Int), (0x23, "unsigned __int64", 8, PrimitiveKind.UInt), (0x71, "wchar_t", 2, PrimitiveKind.WChar),
            (0x70, "char", 1, PrimitiveKind.Char), (0x20, "unsigned char", 1, PrimitiveKind.UChar), (0x30, "bool", 1, PrimitiveKind.Bool),
            (0x41, "double", 8, PrimitiveKind.Float), (0x08, "HRESULT", 4, PrimitiveKind.HResult), (0x03, "void", 0, PrimitiveKind.Void),
            (0x75, "unsigned int", 4, PrimitiveKind.UInt),
        ];
        foreach (var (index, name, size, kind) in cases)
        {
            var t = Assert.IsType<PrimitiveType>(types.Resolve(index));
            Assert.Equal((name, size, kind), (t.Name, t.Size, t.Primitive));
            Assert.Same(t, types.Resolve(index));
            Assert.Equal(name, types.FindType(name)?.Name);
        }
        var ptr = Assert.IsType<PointerType>(types.Resolve(0x620)); // T_64PUCHAR
        Assert.Equal(8, ptr.PointerSize);
        Assert.Equal("unsigned char", ptr.Target.Name);
        Assert.Equal(4, Assert.IsType<PointerType>(types.Resolve(0x474)).PointerSize); // T_32PINT4
        Assert.Null(types.FindType("NoSuchType_xyz"));
    }

    [SharedDataFact("pdb/test-pdb-types.pdb")]
    public void ForwardReferencesShareTheirDefinitionAndWildcardsFindTypes()
    {
        using var source = PdbSymbolSource.Open(TestData.Shared("pdb/test-pdb-types.pdb"));
        var types = source.PdbTypes!;
        // 0x100D is a forward ref to Class::NestedClass (llvm: -> 0x1060).
        var forward = types.Resolve(0x100D);
        Assert.Same(types.Resolve(0x1060), forward);
        Assert.False(((UdtType)forward).IsIncomplete);
        Assert.Same(forward, types.FindType("Class::NestedClass"));
        Assert.Same(forward, types.FindType("class::nestedclass"));
        var matched = types.MatchTypes("Class*").Select(t => t.Name).ToList();
        Assert.Contains("Class", matched);
        Assert.Contains("Class::NestedClass", matched);
        Assert.Equal(matched.Count, matched.Distinct().Count());
        var shortEnum = Assert.IsType<EnumType>(types.FindType("ShortEnum"));
        Assert.Equal("short", shortEnum.Underlying.Name);
        Assert.Equal("ESValue2", shortEnum.NameOf(2));
    }

    private static List<Member> DataMembers(Dictionary<uint, LlvmTypeDump.Record> records, LlvmTypeDump.Record udt)
    {
        var list = new List<Member>();
        var fl = Regex.Match(string.Join("\n", udt.Lines), @"field list: (0x[0-9A-F]+|<no type>)");
        uint ti = LlvmTypeDump.TypeRef(fl.Groups[1].Value);
        var seen = new HashSet<uint>();
        while (ti != 0 && seen.Add(ti) && records.TryGetValue(ti, out var r))
        {
            ti = 0;
            foreach (var line in r.Lines)
            {
                var m = MemberLine().Match(line);
                if (m.Success)
                    list.Add(new Member(m.Groups[1].Value, LlvmTypeDump.TypeRef(m.Groups[2].Value), long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)));
                var c = Continuation().Match(line);
                if (c.Success) ti = LlvmTypeDump.Hex(c.Groups[1].Value);
            }
        }
        return list;
    }

    [GeneratedRegex(@"sizeof (\d+)$")] private static partial Regex SizeOf();
    [GeneratedRegex(@"^- LF_MEMBER \[name = `(.*)`, Type = (0x[0-9A-F]+|<no type>)(?: \(.*\))?, offset = (-?\d+), attrs = .*\]$")] private static partial Regex MemberLine();
    [GeneratedRegex(@"^- LF_INDEX.*(0x[0-9A-F]+)")] private static partial Regex Continuation();
    [GeneratedRegex(@"^type = (0x[0-9A-F]+)(?: \(.*\))?, bit offset = (\d+), # bits = (\d+)$")] private static partial Regex Bitfield();
    [GeneratedRegex(@"^- LF_ENUMERATE \[(.*) = (-?\d+)\]$")] private static partial Regex Enumerate();
}
