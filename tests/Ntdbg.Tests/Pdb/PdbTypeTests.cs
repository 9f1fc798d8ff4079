using System.Text.RegularExpressions;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// TPI and IPI records of every real PDB compared with `llvm-pdbutil dump -types/-ids`: UDT
/// sizes, names and forward-reference resolution, every data member (name, type index, offset),
/// bitfields (type, position, length), simple type names, pointers, arrays and enums.
/// </summary>
public partial class PdbTypeTests
{
    public static TheoryData<string> Corpus() => PdbCorpus.Theory();

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void TypesMatchLlvm(string pdb)
    {
        using var file = MappedFile.Open(pdb);
        var types = PdbFile.Open(file).Types;
        var expected = LlvmTypeDump.Read(pdb);
        Assert.Equal(expected.Count, types.Count);
        int udts = 0, members = 0, bitfields = 0, forwards = 0;
        foreach (var e in expected)
        {
            var rec = types[e.Index];
            Assert.NotNull(rec);
            Assert.Equal(e.Leaf, rec.LeafName);
            switch (rec)
            {
                case UdtType u:
                    {
                        Assert.Equal(e.Name, u.Name);
                        var opts = e.Lines.Single(l => l.StartsWith("options: ", StringComparison.Ordinal));
                        Assert.Equal(ulong.Parse(Regex.Match(opts, @"sizeof (\d+)$").Groups[1].Value), u.Size);
                        Assert.Equal(opts.Contains("forward ref"), u.IsForwardReference);
                        var fl = Regex.Match(string.Join("\n", e.Lines), @"field list: (0x[0-9A-F]+|<no type>)");
                        Assert.Equal(LlvmTypeDump.TypeRef(fl.Groups[1].Value), u.FieldList);
                        var unique = e.Lines.FirstOrDefault(l => l.StartsWith("unique name: ", StringComparison.Ordinal));
                        Assert.Equal(unique == null ? null : unique["unique name: `".Length..^1], u.UniqueName);
                        var fwd = Regex.Match(opts, @"forward ref \(-> 0x([0-9A-F]+)\)");
                        if (fwd.Success)
                        {
                            forwards++;
                            uint full = types.ResolveForward(u.Index);
                            var target = Assert.IsType<UdtType>(types[full]);
                            Assert.False(target.IsForwardReference);
                            // Equivalent definitions may repeat; ours must be one with the same key llvm found.
                            var theirs = Assert.IsType<UdtType>(types[LlvmTypeDump.Hex(fwd.Groups[1].Value)]);
                            Assert.Equal(theirs.UniqueName ?? theirs.Name, target.UniqueName ?? target.Name);
                            Assert.Equal(theirs.Size, target.Size);
                        }
                        else if (!u.IsForwardReference)
                        {
                            udts++;
                            Assert.Equal(u.Index, types.ResolveForward(u.Index));
                            // FindUdtByName returns a definition of that name with the same size.
                            var found = types.FindUdtByName(u.Name);
                            Assert.NotNull(found);
                            Assert.False(found.IsForwardReference);
                        }
                        break;
                    }
                case FieldListType f:
                    {
                        var subs = e.Lines.Where(l => l.StartsWith("- LF_", StringComparison.Ordinal)).ToList();
                        Assert.Equal(subs.Count(l => !l.StartsWith("- LF_INDEX", StringComparison.Ordinal)), f.Members.Count);
                        var want = new List<(string, uint, long)>();
                        foreach (var l in subs)
                        {
                            var m = MemberLine().Match(l);
                            if (!m.Success) continue;
                            want.Add((m.Groups[1].Value, LlvmTypeDump.TypeRef(m.Groups[2].Value), long.Parse(m.Groups[4].Value)));
                            if (m.Groups[3].Success)
                                Assert.Equal(m.Groups[3].Value, SimpleTypes.Name(LlvmTypeDump.TypeRef(m.Groups[2].Value)));
                        }
                        var got = f.Members.Where(x => x.Leaf == TypeLeaf.LF_MEMBER).Select(x => (x.Name, x.Type, x.Offset)).ToList();
                        Assert.Equal(want, got);
                        members += got.Count;
                        var enums = subs.Select(l => EnumerateLine().Match(l)).Where(m => m.Success)
                            .Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
                        Assert.Equal(enums, f.Members.Where(x => x.Leaf == TypeLeaf.LF_ENUMERATE)
                            .Select(x => (x.Name, x.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList());
                        break;
                    }
                case BitfieldType b:
                    {
                        var m = Regex.Match(e.Lines[0], @"^type = (0x[0-9A-F]+)(?: \(.*\))?, bit offset = (\d+), # bits = (\d+)$");
                        Assert.True(m.Success, e.Lines[0]);
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[1].Value), b.Type);
                        Assert.Equal(byte.Parse(m.Groups[2].Value), b.Position);
                        Assert.Equal(byte.Parse(m.Groups[3].Value), b.Length);
                        bitfields++;
                        break;
                    }
                case PointerType p:
                    {
                        var m = Regex.Match(e.Lines[0], @"^referent = (0x[0-9A-F]+|<no type>)");
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[1].Value), p.Referent);
                        string opts = Regex.Match(e.Lines[0], @"opts = ([^,]*),").Groups[1].Value;
                        Assert.Equal(opts.Contains("const"), p.IsConst);
                        Assert.Equal(opts.Contains("volatile"), p.IsVolatile);
                        string kind = Regex.Match(e.Lines[0], @"kind = (\w+)").Groups[1].Value;
                        if (kind == "ptr64") Assert.Equal(8, p.Size);
                        if (kind == "ptr32") Assert.Equal(4, p.Size);
                        break;
                    }
                case ArrayType a:
                    {
                        var m = Regex.Match(e.Lines[0], @"^size: (\d+), index type: (0x[0-9A-F]+).*, element type: (0x[0-9A-F]+)");
                        Assert.True(m.Success, e.Lines[0]);
                        Assert.Equal(ulong.Parse(m.Groups[1].Value), a.Size);
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[2].Value), a.IndexType);
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[3].Value), a.ElementType);
                        break;
                    }
                case EnumType en:
                    {
                        Assert.Equal(e.Name, en.Name);
                        var m = Regex.Match(string.Join("\n", e.Lines), @"field list: (0x[0-9A-F]+|<no type>), underlying type: (0x[0-9A-F]+|<no type>)");
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[1].Value), en.FieldList);
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[2].Value), en.UnderlyingType);
                        break;
                    }
                case ModifierType mod:
                    {
                        var m = Regex.Match(e.Lines[0], @"^referent = (0x[0-9A-F]+|<no type>).*, modifiers = (.*)$");
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[1].Value), mod.Referent);
                        Assert.Equal(m.Groups[2].Value.Contains("const"), mod.IsConst);
                        Assert.Equal(m.Groups[2].Value.Contains("volatile"), mod.IsVolatile);
                        break;
                    }
            }
        }
        Assert.True(udts > 0 && members > 0, $"{pdb}: {udts} UDTs, {members} members, {bitfields} bitfields, {forwards} forward refs");
    }

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void IdsMatchLlvm(string pdb)
    {
        using var file = MappedFile.Open(pdb);
        var ids = PdbFile.Open(file).Ids;
        var expected = LlvmTypeDump.Read(pdb, ids: true);
        Assert.Equal(expected.Count, ids.Count);
        foreach (var e in expected)
        {
            var rec = ids[e.Index];
            Assert.NotNull(rec);
            Assert.Equal(e.Leaf, rec.LeafName);
            if (rec is FunctionIdRecord f)
            {
                var m = Regex.Match(e.Lines[0], @"^name = (.*), type = (0x[0-9A-F]+|<no type>)");
                Assert.Equal(m.Groups[1].Value, f.Name);
                Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[2].Value), f.FunctionType);
            }
            if (rec is StringIdRecord str)
            {
                var m = Regex.Match(e.Lines[0], @"^ID: (0x[0-9A-F]+|<no type>), String: (.*)$");
                Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[1].Value), str.SubstringList);
                Assert.Equal(m.Groups[2].Value, str.Value);
            }
            if (rec is UdtSourceLineRecord s)
            {
                var m = Regex.Match(e.Lines[0], @"^udt = (0x[0-9A-F]+), .*line = (\d+)");
                Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[1].Value), s.Udt);
                Assert.Equal(uint.Parse(m.Groups[2].Value), s.Line);
            }
        }
    }

    [GeneratedRegex(@"^- LF_MEMBER \[name = `(.*)`, Type = (0x[0-9A-F]+|<no type>)(?: \((.*)\))?, offset = (-?\d+), attrs = .*\]$")]
    private static partial Regex MemberLine();

    [GeneratedRegex(@"^- LF_ENUMERATE \[(.*) = (-?\d+)\]$")]
    private static partial Regex EnumerateLine();
}
