using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Symbols.Model;
using Ntdbg.Symbols.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// The PDB symbol source (module procedures, data, labels, globals, publics) through the shared
/// model, compared with llvm-pdbutil's `dump -publics` and `dump -symbols` for every real PDB.
/// </summary>
public partial class PdbSymbolSourceTests
{
    public static TheoryData<string> Corpus() => PdbCorpus.Theory();

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void EveryPublicIsFoundByItsDecoratedNameAtLlvmsRva(string pdb)
    {
        using var source = PdbSymbolSource.Open(pdb);
        var publics = LlvmPdbUtil.Publics(pdb);
        var vas = LlvmPdbUtil.SectionAddresses(pdb);
        bool reordered = source.Pdb.Dbi.OmapFromSource != null;
        int checkedCount = 0;
        foreach (var p in publics)
        {
            var found = source.FindByName(p.Name);
            if (p.Section == 0 || p.Section > vas.Count) continue; // absolute or unmapped: no RVA to find it at
            if (reordered)
            {
                // llvm prints addresses before OMAP; the source maps them, so compare the mapping itself.
                if (source.Pdb.SectionRvaOf(p.Section, p.Offset) is uint mapped)
                    Assert.Contains(found, s => s.Rva == mapped);
                continue;
            }
            uint rva = vas[p.Section - 1] + p.Offset;
            Assert.True(found.Any(s => s.Rva == rva && (s.DecoratedName ?? s.Name) == p.Name),
                $"{Path.GetFileName(pdb)}: public `{p.Name}` at 0x{rva:x} not found by its decorated name (found: {string.Join(", ", found.Select(s => $"{s.Name}@0x{s.Rva:x}"))})");
            checkedCount++;
        }
        Assert.True(reordered || checkedCount > 0, "no public was checked");
    }

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void ProceduresHaveLlvmsRvaAndCodeSize(string pdb)
    {
        using var source = PdbSymbolSource.Open(pdb);
        var vas = LlvmPdbUtil.SectionAddresses(pdb);
        bool reordered = source.Pdb.Dbi.OmapFromSource != null;
        int procedures = 0;
        foreach (var (_, records) in LlvmSymbolDump.Modules(pdb))
            foreach (var r in records.Where(r => r.Kind is "S_GPROC32" or "S_LPROC32" or "S_GPROC32_ID" or "S_LPROC32_ID"))
            {
                var m = ProcAddress().Match(r.Text);
                Assert.True(m.Success, r.Text);
                ushort section = ushort.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                uint offset = uint.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                uint size = uint.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                if (section == 0 || section > vas.Count) continue;
                uint rva = reordered ? source.Pdb.SectionRvaOf(section, offset) ?? 0 : vas[section - 1] + offset;
                if (reordered && rva == 0) continue;
                var byName = source.FindByName(r.Name!);
                Assert.True(byName.Any(s => s.Rva == rva && s.Size == size && s.Kind == SymbolEntryKind.Function),
                    $"{Path.GetFileName(pdb)}: procedure `{r.Name}` 0x{rva:x} size {size} not found");

                Assert.True(source.TryFindByRva(rva, out var at, out uint displacement));
                Assert.Equal(0u, displacement);
                Assert.Equal(SymbolEntryKind.Function, at.Kind);
                if (size > 0)
                {
                    // The last byte of the procedure is named by it or by a symbol inside it, never by one before it.
                    Assert.True(source.TryFindByRva(rva + size - 1, out var inside, out _));
                    Assert.InRange(inside.Rva, rva, rva + size - 1);
                    // The next procedure starts after this one's code.
                    var next = source.FindNext(rva);
                    Assert.True(next == null || next.Rva > rva);
                    if (next is { Kind: SymbolEntryKind.Function, Size: > 0 } && next.Rva < rva + size)
                        Assert.Fail($"{Path.GetFileName(pdb)}: procedure `{next.Name}` at 0x{next.Rva:x} starts inside `{r.Name}` 0x{rva:x}+{size}");
                }
                procedures++;
            }
        Assert.True(procedures > 0 || source.Kind == SymbolSourceKind.PublicPdb, "no procedure was checked");
    }

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void SymbolsAreSortedAndKindMatchesTheContents(string pdb)
    {
        using var source = PdbSymbolSource.Open(pdb);
        var symbols = source.Symbols;
        Assert.NotEmpty(symbols);
        for (int i = 1; i < symbols.Count; i++) Assert.True(symbols[i - 1].Rva <= symbols[i].Rva);
        // One symbol per RVA and name.
        Assert.Equal(symbols.Count, symbols.Select(s => (s.Rva, s.Name)).Distinct().Count());
        bool hasModuleSymbols = LlvmSymbolDump.Modules(pdb).Values.Any(r => r.Any(x => x.Kind.Contains("PROC32", StringComparison.Ordinal)));
        bool stripped = Regex.IsMatch(Tools.Run(LlvmPdbUtil.Tool, "dump", "-summary", pdb), @"Is stripped: true");
        Assert.Equal(stripped ? SymbolSourceKind.PublicPdb : hasModuleSymbols ? SymbolSourceKind.PrivatePdb : source.Kind, source.Kind);
        if (source.Kind == SymbolSourceKind.PrivatePdb && source.Pdb.Types.Count > 0) Assert.NotNull(source.Types);
    }

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void DataAndLabelsHaveLlvmsRvaAndType(string pdb)
    {
        using var source = PdbSymbolSource.Open(pdb);
        if (source.Pdb.Dbi.OmapFromSource != null) return; // llvm prints pre-OMAP addresses
        var vas = LlvmPdbUtil.SectionAddresses(pdb);
        var records = LlvmSymbolDump.Globals(pdb).Concat(LlvmSymbolDump.Modules(pdb).Values.SelectMany(r => r)).ToList();
        // One symbol per (name, RVA): several records may name it (module and global stream, or two types).
        var data = new Dictionary<(string, uint), HashSet<uint>>();
        int labels = 0;
        foreach (var r in records)
        {
            if (r.Kind is "S_GDATA32" or "S_LDATA32" or "S_GTHREAD32" or "S_LTHREAD32")
            {
                var m = DataLine().Match(r.Text);
                Assert.True(m.Success, r.Text);
                if (Rva(vas, m.Groups[2].Value, m.Groups[3].Value) is not uint rva || r.Name!.Length == 0) continue;
                (data.TryGetValue((r.Name, rva), out var set) ? set : data[(r.Name, rva)] = []).Add(LlvmTypeDump.TypeRef(m.Groups[1].Value));
            }
            else if (r.Kind == "S_LABEL32")
            {
                var m = LabelLine().Match(r.Text);
                Assert.True(m.Success, r.Text);
                if (Rva(vas, m.Groups[1].Value, m.Groups[2].Value) is not uint rva) continue;
                Assert.Contains(source.FindByName(r.Name!), s => s.Rva == rva && s.Kind == SymbolEntryKind.Label);
                labels++;
            }
        }
        foreach (var ((name, rva), typeIndexes) in data)
        {
            var symbol = source.FindByName(name).FirstOrDefault(s => s.Rva == rva && s.Kind == SymbolEntryKind.Data);
            Assert.True(symbol != null, $"{Path.GetFileName(pdb)}: data `{name}` at 0x{rva:x} not found");
            Assert.Contains((uint)symbol.Handle, typeIndexes);
            var type = source.TypeOf(symbol);
            Assert.NotNull(type);
            Assert.Equal(source.Pdb.Types.SizeOf((uint)symbol.Handle), type.Size);
        }
        bool any = records.Any(r => r.Kind is "S_GDATA32" or "S_LDATA32" or "S_GTHREAD32" or "S_LTHREAD32" or "S_LABEL32");
        Assert.True(!any || data.Count + labels > 0, "llvm lists data or labels but none was checked");
    }

    private static uint? Rva(List<uint> vas, string section, string offset)
    {
        ushort s = ushort.Parse(section, CultureInfo.InvariantCulture);
        return s == 0 || s > vas.Count ? null : vas[s - 1] + uint.Parse(offset, CultureInfo.InvariantCulture);
    }

    [SharedDataFact("pdb/dump_syms_regtest64.pdb")]
    public void CppMemberFunctionShowsUndecorated()
    {
        using var source = PdbSymbolSource.Open(TestData.Shared("pdb/dump_syms_regtest64.pdb"));
        var byDecorated = source.FindByName("?set_member@C@google_breakpad@@QEAAXH@Z");
        var member = Assert.Single(byDecorated);
        Assert.Equal("google_breakpad::C::set_member", member.Name);
        Assert.Equal(SymbolEntryKind.Function, member.Kind);
        Assert.True(member.Size > 0, "the procedure record (with its code size) names it, not only the public");
        Assert.Contains(member, source.FindByName("google_breakpad::C::set_member"));
        var signature = Assert.IsType<FunctionType>(source.TypeOf(member));
        Assert.Equal("void", signature.ReturnType.Name);
        Assert.Equal("int", Assert.Single(signature.Parameters).Name);
    }

    [Fact]
    public void X86CNamesLoseTheirDecoration()
    {
        string pdb = TestData.Repo("fixtures/out/crash-x86.pdb");
        if (!File.Exists(pdb)) return;
        using var source = PdbSymbolSource.Open(pdb);
        var f = Assert.Single(source.FindByName("crash_stage_four_write"));
        Assert.Equal("_crash_stage_four_write", f.DecoratedName);
        Assert.Contains(f, source.FindByName("_crash_stage_four_write"));
        // stdcall imports: `_CloseHandle@4` is shown as `CloseHandle`.
        var close = Assert.Single(source.FindByName("_CloseHandle@4"));
        Assert.Equal("CloseHandle", close.Name);
        Assert.Equal("crash_stage_four_write", PdbSymbolNames.Undecorate("_crash_stage_four_write", isX86: true));
        Assert.Equal("Fast", PdbSymbolNames.Undecorate("@Fast@8", isX86: true));
        Assert.Equal("_keep", PdbSymbolNames.Undecorate("_keep", isX86: false));
        Assert.Equal(4, source.Types!.PointerSize);
    }

    [GeneratedRegex(@"addr = (\d+):(\d+), code size = (\d+)")] private static partial Regex ProcAddress();
    [GeneratedRegex(@"type = (0x[0-9A-F]+|<no type>).*, addr = (\d+):(\d+)")] private static partial Regex DataLine();
    [GeneratedRegex(@"\(addr = (\d+):(\d+)\)")] private static partial Regex LabelLine();
}
