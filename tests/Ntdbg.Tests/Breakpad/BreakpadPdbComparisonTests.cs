using Ntdbg.Symbols.Breakpad;
using Ntdbg.Symbols.Model;
using Ntdbg.Symbols.Pdb;
using Ntdbg.Tests.Support;
using static Ntdbg.Tests.Breakpad.BreakpadTestFiles;

namespace Ntdbg.Tests.Breakpad;

/// <summary>
/// dump_syms_regtest64.sym was written from dump_syms_regtest64.pdb: a function both name must
/// sit at the same RVA in both. dump_syms prints names with their parameter lists and sometimes a
/// return type ("static int google_breakpad::i()"); the PDB's procedure records hold the
/// qualified name alone, so both are reduced to that before comparing.
/// </summary>
public sealed class BreakpadPdbComparisonTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [SharedDataFact(Regtest64Pdb)]
    public void FunctionsInBothFilesHaveTheSameRva()
    {
        var breakpad = BreakpadSymbolSource.Load(TestData.Shared(Regtest64));
        using var pdb = PdbSymbolSource.Open(TestData.Shared(Regtest64Pdb));
        var pdbRvas = pdb.Symbols.Where(s => s.Kind is SymbolEntryKind.Function or SymbolEntryKind.Public)
            .GroupBy(s => QualifiedName(s.Name)).ToDictionary(g => g.Key, g => g.Select(s => s.Rva).ToHashSet());
        var functions = breakpad.Symbols.Where(s => s.Kind == SymbolEntryKind.Function).ToList();
        int matched = 0;
        foreach (var f in functions)
        {
            if (!pdbRvas.TryGetValue(QualifiedName(f.Name), out var rvas)) continue;
            matched++;
            Assert.True(rvas.Contains(f.Rva), $"{f.Name}: breakpad 0x{f.Rva:x}, PDB {string.Join(", ", rvas.Select(r => $"0x{r:x}"))}");
        }
        output.WriteLine($"{matched} of {functions.Count} FUNC records found by name in the PDB");
        Assert.True(matched * 2 > functions.Count, $"only {matched} of {functions.Count} FUNC names found in the PDB");
    }

    /// <summary>"static int ns::C::f(int) const" → "ns::C::f"; leading underscores dropped (C names differ by one).</summary>
    private static string QualifiedName(string name)
    {
        string s = name.Trim();
        if (s.EndsWith(" const", StringComparison.Ordinal)) s = s[..^6];
        if (s.EndsWith(')'))
        {
            int depth = 0;
            for (int i = s.Length - 1; i >= 0; i--)
            {
                if (s[i] == ')') depth++;
                else if (s[i] == '(' && --depth == 0)
                {
                    if (i > 0) s = s[..i];
                    break;
                }
            }
        }
        // A return type or storage class precedes the name after a space outside <...> and `...'.
        int angle = 0, cut = -1;
        bool quoted = false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '`') quoted = true;
            else if (c == '\'') quoted = false;
            else if (!quoted && c == '<') angle++;
            else if (!quoted && c == '>') angle--;
            else if (c == ' ' && angle == 0 && !quoted && !s[..i].EndsWith("operator", StringComparison.Ordinal)) cut = i;
        }
        if (cut >= 0) s = s[(cut + 1)..];
        return s.TrimStart('_');
    }
}
