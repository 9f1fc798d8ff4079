using System.Text.RegularExpressions;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// Module symbol streams and global symbols of every real PDB compared with
/// `llvm-pdbutil dump -symbols` and `dump -globals`: record offsets and kinds (so the iteration
/// is right, signature skipped), and for procedures, data and labels the name, section:offset,
/// code length, type index and scope end.
/// </summary>
public class PdbModuleSymbolTests
{
    public static TheoryData<string> Corpus() => PdbCorpus.Theory();

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void ModuleSymbolsMatchLlvm(string pdb)
    {
        using var file = MappedFile.Open(pdb);
        var p = PdbFile.Open(file);
        var expected = LlvmSymbolDump.Modules(pdb);
        int procedures = 0;
        for (int i = 0; i < p.Modules.Count; i++)
        {
            var want = expected.GetValueOrDefault(i) ?? [];
            var got = p.Modules[i].Symbols;
            Assert.Equal(want.Select(w => w.Offset).ToList(), got.Select(g => g.RecordOffset).ToList());
            for (int j = 0; j < want.Count; j++)
            {
                var w = want[j];
                var g = got[j];
                if (!g.KindName.StartsWith("S_", StringComparison.Ordinal)) continue; // kinds we do not decode
                Assert.Equal(w.Kind, g.KindName);
                if (SymbolKind.IsProcedure(g.Kind))
                {
                    procedures++;
                    Assert.Equal(w.Name, g.Name);
                    var m = Regex.Match(w.Text, @"end = (\d+), addr = (\d+):(\d+), code size = (\d+)");
                    Assert.True(m.Success, w.Text);
                    Assert.Equal(uint.Parse(m.Groups[1].Value), g.End);
                    Assert.Equal(ushort.Parse(m.Groups[2].Value), g.Section);
                    Assert.Equal(uint.Parse(m.Groups[3].Value), g.Offset);
                    Assert.Equal(uint.Parse(m.Groups[4].Value), g.Length);
                    var t = Regex.Match(w.Text, @"type = `(0x[0-9A-F]+|<no type>)");
                    Assert.Equal(LlvmTypeDump.TypeRef(t.Groups[1].Value), g.TypeIndex);
                }
                else if (g.Kind is SymbolKind.S_GDATA32 or SymbolKind.S_LDATA32 or SymbolKind.S_LABEL32)
                {
                    Assert.Equal(w.Name, g.Name);
                    var m = Regex.Match(w.Text, @"addr = (\d+):(\d+)");
                    Assert.Equal(ushort.Parse(m.Groups[1].Value), g.Section);
                    Assert.Equal(uint.Parse(m.Groups[2].Value), g.Offset);
                    if (g.Kind != SymbolKind.S_LABEL32)
                        Assert.Equal(LlvmTypeDump.TypeRef(Regex.Match(w.Text, @"type = (0x[0-9A-F]+|<no type>)").Groups[1].Value), g.TypeIndex);
                }
            }
        }
        Assert.True(procedures > 0, "no procedures compared");
    }

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void GlobalsMatchLlvm(string pdb)
    {
        using var file = MappedFile.Open(pdb);
        var p = PdbFile.Open(file);
        var want = LlvmSymbolDump.Globals(pdb);
        var got = p.Globals;
        Assert.Equal(want.Select(w => w.Offset).ToList(), got.Select(g => g.RecordOffset).ToList());
        for (int i = 0; i < want.Count; i++)
        {
            var (w, g) = (want[i], got[i]);
            if (!g.KindName.StartsWith("S_", StringComparison.Ordinal)) continue; // kinds we do not decode
            Assert.Equal(w.Kind, g.KindName);
            if (w.Name != null) Assert.Equal(w.Name, g.Name);
            switch (g.Kind)
            {
                case SymbolKind.S_GDATA32:
                case SymbolKind.S_LDATA32:
                    {
                        var m = Regex.Match(w.Text, @"type = (0x[0-9A-F]+|<no type>).*, addr = (\d+):(\d+)");
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[1].Value), g.TypeIndex);
                        Assert.Equal(ushort.Parse(m.Groups[2].Value), g.Section);
                        Assert.Equal(uint.Parse(m.Groups[3].Value), g.Offset);
                        break;
                    }
                case SymbolKind.S_PROCREF:
                case SymbolKind.S_LPROCREF:
                    {
                        var m = Regex.Match(w.Text, @"module = (\d+), sum name = \d+, offset = (\d+)");
                        Assert.Equal(ushort.Parse(m.Groups[1].Value), g.Module);
                        Assert.Equal(uint.Parse(m.Groups[2].Value), g.SymbolOffset);
                        // The reference lands on a procedure of that name in the module's stream.
                        var target = p.Modules[g.Module - 1].Symbols.Single(s => s.RecordOffset == (int)g.SymbolOffset);
                        Assert.True(SymbolKind.IsProcedure(target.Kind));
                        Assert.Equal(g.Name, target.Name);
                        break;
                    }
                case SymbolKind.S_CONSTANT:
                    {
                        var m = Regex.Match(w.Text, @"type = (0x[0-9A-F]+|<no type>).*, value = (-?\d+)");
                        Assert.Equal(LlvmTypeDump.TypeRef(m.Groups[1].Value), g.TypeIndex);
                        Assert.Equal(m.Groups[2].Value, ((ulong)g.Value).ToString(System.Globalization.CultureInfo.InvariantCulture) == m.Groups[2].Value
                            ? m.Groups[2].Value : g.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                        break;
                    }
                case SymbolKind.S_UDT:
                    Assert.Equal(LlvmTypeDump.TypeRef(Regex.Match(w.Text, @"original type = (0x[0-9A-F]+|<no type>)").Groups[1].Value), g.TypeIndex);
                    break;
            }
        }
    }
}
