using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Symbols.Model;
using Ntdbg.Symbols.Pdb;
using Ntdbg.Tests.Pdb;

namespace Ntdbg.Tests.Locals;

/// <summary>
/// The symbol layer's function frames (<see cref="PdbSymbolSource.FrameAt"/>) against
/// `llvm-pdbutil dump -symbols` and `-section-headers` for every procedure of every PDB: the
/// frame found for the procedure's address is that procedure; its variables are the records
/// between it and its S_END outside inlined call sites, in order (a name MSVC repeats in the
/// same scope once); S_LOCAL's parameter flag; and the location of every variable llvm gives
/// one frame-relative range or one register-relative record: base register (S_FRAMEPROC's
/// choice for parameters or locals), offset and range.
/// </summary>
public partial class FrameModelTests
{
    public static TheoryData<string> Corpus() => PdbCorpus.Theory();

    private sealed record Variable(string Name, string Kind, int Scope, string Text, List<LlvmSymbolDump.Record> Ranges);

    private sealed record Procedure(string Name, ushort Section, uint Offset, uint Length, string LocalBase, string ParamBase, List<Variable> Variables);

    [LlvmPdbTheory]
    [MemberData(nameof(Corpus))]
    public void FramesMatchLlvm(string pdb)
    {
        var sections = LlvmPdbUtil.SectionAddresses(pdb);
        var procedures = LlvmSymbolDump.Modules(pdb).Values.SelectMany(Procedures).ToList();
        using var source = PdbSymbolSource.Open(pdb);
        // With OMAP (omap_reorder_funcs.pdb) llvm's addresses are the pre-reordering layout's: the
        // image RVA needs the OMAP table, which llvm-pdbutil does not print.
        if (source.Pdb.Dbi.OmapFromSource != null) return;
        uint Rva(ushort section, uint offset) => sections[section - 1] + offset;
        // Identical code folding puts several procedures at one address: those are left out.
        var shared = procedures.GroupBy(p => (p.Section, p.Offset)).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        int compared = 0, located = 0;
        foreach (var p in procedures)
        {
            if (p.Length == 0 || p.Section == 0 || p.Section > sections.Count || shared.Contains((p.Section, p.Offset))) continue;
            uint rva = Rva(p.Section, p.Offset);
            var frame = source.FrameAt(rva);
            Assert.NotNull(frame);
            Assert.Equal(p.Name, frame.Name);
            Assert.Equal(rva, frame.Rva);
            Assert.Equal(p.Length, frame.Length);
            var want = p.Variables.DistinctBy(v => (v.Name, v.Scope)).ToList();
            Assert.Equal(want.Select(v => v.Name), frame.Variables.Select(v => v.Name));
            for (int i = 0; i < want.Count; i++)
            {
                var (w, g) = (want[i], frame.Variables[i]);
                if (w.Kind == "S_LOCAL")
                {
                    Assert.Equal(Regex.IsMatch(w.Text, @"flags = .*\bparam\b"), g.IsParameter);
                    if (w.Ranges.Count == 1 && w.Ranges[0].Kind == "S_DEFRANGE_FRAMEPOINTER_REL")
                    {
                        var m = Regex.Match(w.Ranges[0].Text, @"offset = (-?\d+), range = \[(\d+):(\d+),\+(\d+)\)");
                        // MSVC repeats some variables as S_REGREL32 later (a fallback location after the range).
                        var l = g.Locations[0];
                        if (p.Variables.Count(v => v.Name == w.Name && v.Scope == w.Scope) == 1) Assert.Single(g.Locations);
                        Assert.Equal(VariableLocationKind.RegisterRelative, l.Kind);
                        Assert.Equal((g.IsParameter ? p.ParamBase : p.LocalBase).ToLowerInvariant(), l.Register);
                        Assert.Equal(long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), l.Offset);
                        Assert.Equal(Rva(ushort.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), uint.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)), l.StartRva);
                        Assert.Equal(uint.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), l.Length);
                        located++;
                    }
                }
                else if (w.Kind is "S_REGREL32" or "S_BPREL32" && p.Variables.Count(v => v.Name == w.Name && v.Scope == w.Scope) == 1)
                {
                    // S_BPREL32 is relative to the frame's EBP (x86: every one in the corpus).
                    var m = Regex.Match(w.Text, w.Kind == "S_BPREL32" ? @"(), offset = (-?\d+)" : @"register = (\w+), offset = (-?\d+)");
                    string register = w.Kind == "S_BPREL32" ? "ebp" : m.Groups[1].Value.ToLowerInvariant();
                    var l = Assert.Single(g.Locations);
                    Assert.Equal((VariableLocationKind.RegisterRelative, register, long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 0u),
                        (l.Kind, l.Register, l.Offset, l.Length));
                    located++;
                }
            }
            compared++;
        }
        if (procedures.Count > 0) Assert.True(compared > 0, "no procedure compared");
        Assert.True(located > 0 || procedures.All(p => p.Variables.Count == 0), "no variable location compared");
    }

    // llvm's records of one module grouped by procedure: variables outside inline sites, each S_LOCAL with the S_DEFRANGE_* after it.
    private static IEnumerable<Procedure> Procedures(List<LlvmSymbolDump.Record> records)
    {
        Procedure? current = null;
        var scopes = new Stack<(bool Foreign, int Id)>();
        Variable? local = null;
        foreach (var r in records)
        {
            if (current == null)
            {
                if (r.Kind is "S_GPROC32" or "S_LPROC32" or "S_GPROC32_ID" or "S_LPROC32_ID")
                {
                    var m = Regex.Match(r.Text, @"addr = (\d+):(\d+), code size = (\d+)");
                    current = new Procedure(r.Name ?? "", ushort.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                        uint.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), uint.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), "", "", []);
                    scopes.Clear();
                    scopes.Push((false, r.Offset));
                }
                continue;
            }
            var top = scopes.Peek();
            switch (r.Kind)
            {
                case "S_END" or "S_PROC_ID_END" or "S_INLINESITE_END":
                    scopes.Pop();
                    local = null;
                    if (scopes.Count == 0)
                    {
                        yield return current;
                        current = null;
                    }
                    continue;
                case "S_BLOCK32":
                    scopes.Push((top.Foreign, r.Offset));
                    continue;
                case "S_INLINESITE" or "S_INLINESITE2" or "S_THUNK32" or "S_SEPCODE" or "S_WITH32"
                    or "S_GPROC32" or "S_LPROC32" or "S_GPROC32_ID" or "S_LPROC32_ID":
                    scopes.Push((true, r.Offset));
                    continue;
            }
            if (top.Foreign) continue;
            switch (r.Kind)
            {
                case "S_FRAMEPROC" when scopes.Count == 1 && current.LocalBase == "":
                    {
                        var m = Regex.Match(r.Text, @"local fp reg = (\w+), param fp reg = (\w+)");
                        current = current with { LocalBase = m.Groups[1].Value, ParamBase = m.Groups[2].Value };
                        break;
                    }
                case "S_LOCAL":
                    local = new Variable(r.Name ?? "", r.Kind, top.Id, r.Text, []);
                    current.Variables.Add(local);
                    break;
                case "S_REGREL32" or "S_BPREL32" or "S_REGISTER":
                    local = null;
                    current.Variables.Add(new Variable(r.Name ?? "", r.Kind, top.Id, r.Text, []));
                    break;
                default:
                    if (local != null && r.Kind.StartsWith("S_DEFRANGE", StringComparison.Ordinal)) local.Ranges.Add(r);
                    break;
            }
        }
    }

    [LlvmPdbTheory]
    [InlineData("dump_syms_regtest.pdb")]
    [InlineData("dump_syms_regtest64.pdb")]
    public void RegisterRangesHonourTheirGaps(string name)
    {
        string pdb = Support.TestData.Shared($"pdb/{name}");
        var sections = LlvmPdbUtil.SectionAddresses(pdb);
        using var source = PdbSymbolSource.Open(pdb);
        int checkedGaps = 0;
        foreach (var p in LlvmSymbolDump.Modules(pdb).Values.SelectMany(Procedures))
        {
            if (p.Section == 0 || p.Section > sections.Count) continue;
            var frame = source.FrameAt(sections[p.Section - 1] + p.Offset);
            if (frame == null || frame.Name != p.Name) continue;
            foreach (var v in p.Variables.Where(v => v.Ranges.Count == 1 && v.Ranges[0].Kind == "S_DEFRANGE_REGISTER"))
            {
                var m = Regex.Match(v.Ranges[0].Text, @"register = (\w+), .*range start = (\d+):(\d+), length = (\d+)\s+gaps = \[\((\d+),(\d+)\)");
                if (!m.Success) continue;
                var g = frame.Variables.Where(x => x.Name == v.Name).ToList();
                if (g.Count != 1) continue;
                uint start = sections[int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) - 1] + uint.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                uint length = uint.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture);
                uint gap = uint.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture), gapLength = uint.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture);
                // MSVC may add a whole-scope S_REGREL32 for the same variable after it: the range comes first.
                var l = g[0].Locations[0];
                Assert.Equal(VariableLocationKind.Register, l.Kind);
                Assert.Same(l, g[0].LocationAt(start));
                Assert.NotSame(l, g[0].LocationAt(start + gap));
                Assert.NotSame(l, g[0].LocationAt(start + gap + gapLength - 1));
                if (gap + gapLength < length) Assert.Same(l, g[0].LocationAt(start + gap + gapLength));
                Assert.NotSame(l, g[0].LocationAt(start + length));
                checkedGaps++;
            }
        }
        Assert.True(checkedGaps > 0, "no register range with a gap checked");
    }
}
