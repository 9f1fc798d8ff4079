using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Commands.Symbols;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;
using Ntdbg.Symbols.Pdb;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Pdb;
using Ntdbg.Tests.Support;
using Xunit.Abstractions;

namespace Ntdbg.Tests.SymbolCommands;

/// <summary>
/// x, ln, ?, .exr, .ecxr/r and dps on the committed Wine crash dump with its PDB attached. The
/// oracle is llvm-pdbutil (publics as section:offset, section addresses) and fixtures/README.md
/// (the exe's image base, the crash chain).
/// </summary>
public sealed partial class UserSymbolCommandTests(ITestOutputHelper output)
{
    private const string Tool = LlvmPdbUtil.Tool;
    /// <summary>fixtures/README.md: the x64 exe's image base.</summary>
    private const ulong ImageBase = 0x140000000;

    private static string Pdb => FixtureFiles.Out("crash-x64.pdb");

    private sealed class Attached : IDisposable
    {
        public Attached()
        {
            Target = TargetLoader.Open(FixtureFiles.Out("crash-x64.dmp"));
            Session = new DebugSession(Target);
            Source = PdbSymbolSource.Open(Pdb);
            Session.SymbolTable.Attach(Session.SymbolTable.Find("crash_x64")!, Source);
        }

        public ITarget Target { get; }
        public DebugSession Session { get; }
        public PdbSymbolSource Source { get; }

        public string Text(string commands) => Run.Text(Target, commands, Session);
        public string[] Lines(string commands) => Text(commands).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        public object? Result(string command)
        {
            var outcome = new CommandExecutor(Session).Execute(command);
            Assert.Null(outcome.Error);
            return outcome.Result;
        }

        public void Dispose()
        {
            Source.Dispose();
            Target.Dispose();
        }
    }

    /// <summary>llvm-pdbutil's publics as (name, RVA), RVA = section address + offset.</summary>
    private static List<(string Name, ulong Rva, bool Function)> Publics()
    {
        var sections = LlvmPdbUtil.SectionAddresses(Pdb);
        Assert.NotEmpty(sections);
        return [.. LlvmPdbUtil.Publics(Pdb)
            .Where(p => p.Section >= 1 && p.Section <= sections.Count)
            .Select(p => (p.Name, (ulong)sections[p.Section - 1] + p.Offset, p.Flags.Contains("function")))];
    }

    private static ulong RvaOf(string name) => Publics().Single(p => p.Name == name).Rva;
    private static ulong ParseAddress(string text) => ulong.Parse(text.Replace("`", ""), NumberStyles.HexNumber);
    private static string Q(ulong v) => $"{v >> 32:x8}`{v & 0xffffffff:x8}";

    [ToolFact(Tool, needsSharedData: false)]
    public void XStarListsEveryPublicAtItsRvaPlusTheImageBase()
    {
        using var a = new Attached();
        Assert.Equal(ImageBase, a.Session.SymbolTable.Find("crash_x64")!.Module.Base);
        var x = Assert.IsType<XResult>(a.Result("x crash_x64!*"));
        var publics = Publics();
        Assert.True(publics.Count > 200);

        var listed = x.Symbols.Select(e => (e.Name, e.Address)).ToList();
        foreach (var (name, rva, _) in publics)
        {
            // C++ names are shown undecorated: those are matched by address only.
            if (name.StartsWith('?')) Assert.Contains(listed, e => e.Address == ImageBase + rva);
            else Assert.Contains((name, ImageBase + rva), listed);
        }
        // With publics only (the interim PDB source) x lists exactly the publics; a full source adds module symbols.
        if (a.Source.Kind == SymbolSourceKind.PublicPdb)
            Assert.Equal(publics.Select(p => ImageBase + p.Rva).Order(), x.Symbols.Select(e => e.Address).Order());

        // The text is the same list, one "address module!name ..." line each.
        var lines = a.Lines("x crash_x64!*");
        Assert.Equal(x.Symbols.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
            Assert.StartsWith($"{Q(x.Symbols[i].Address)} crash_x64!{x.Symbols[i].Name}", lines[i]);
        output.WriteLine(string.Join('\n', lines.Take(12)));
    }

    [ToolFact(Tool, needsSharedData: false)]
    public void XFindsTheCrashChainAsFunctions()
    {
        using var a = new Attached();
        var lines = a.Lines("x /a crash_x64!crash_stage_*");
        string[] chain = ["crash_stage_one_parse", "crash_stage_two_validate", "crash_stage_three_apply", "crash_stage_four_write"];
        Assert.Equal(chain.Length, lines.Length);
        var expected = chain.Select(n => (Address: ImageBase + RvaOf(n), Name: n)).OrderBy(p => p.Address).ToList();
        for (int i = 0; i < lines.Length; i++)
            Assert.Matches($@"^{Q(expected[i].Address)} crash_x64!{expected[i].Name} \(.*\)$", lines[i]);
        Assert.Matches($@"^(pub|prv) func   {Q(ImageBase + RvaOf("crash_stage_four_write"))} +[0-9a-f]+ crash_x64!crash_stage_four_write \(.*\)$",
            a.Lines("x /v crash_x64!crash_stage_four_write").Single());
    }

    [ToolFact(Tool, needsSharedData: false)]
    public void ExpressionsResolveFunctionsOfTheExe()
    {
        using var a = new Attached();
        ulong f = ImageBase + RvaOf("crash_stage_four_write");
        Assert.Equal($"Evaluate expression: {(long)f} = {Q(f)}", a.Lines("? crash_x64!crash_stage_four_write").Single());
        Assert.Equal($"Evaluate expression: {(long)f + 0x12} = {Q(f + 0x12)}", a.Lines("? crash_x64!crash_stage_four_write+0x12").Single());
        // A bare name, and a quoted one.
        Assert.Equal($"Evaluate expression: {(long)f} = {Q(f)}", a.Lines("? crash_stage_four_write").Single());
        Assert.Equal($"Evaluate expression: {(long)f} = {Q(f)}", a.Lines("? @!\"crash_x64!crash_stage_four_write\"").Single());
        Assert.Equal("Couldn't resolve error at 'crash_x64!no_such_function'", a.Lines("? crash_x64!no_such_function").Single());
    }

    [ToolFact(Tool, needsSharedData: false)]
    public void TheFaultIsNamedByExrEcxrAndLn()
    {
        using var a = new Attached();
        var publics = Publics();
        ulong f = ImageBase + RvaOf("crash_stage_four_write");
        ulong next = ImageBase + publics.Select(p => p.Rva).Where(r => ImageBase + r > f).Min();

        var exr = a.Lines(".exr -1");
        output.WriteLine(string.Join('\n', exr));
        var m = Regex.Match(exr[0], @"^ExceptionAddress: ([0-9a-f]{16}) \(crash_x64!crash_stage_four_write\+0x([0-9a-f]{16})\)$");
        Assert.True(m.Success, exr[0]);
        ulong at = ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber);
        ulong displacement = ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber);
        Assert.Equal(f + displacement, at);
        Assert.InRange(at, f + 1, next - 1);

        // .ecxr shows the faulting context; its location line names the function.
        var ecxr = a.Lines(".ecxr");
        output.WriteLine(string.Join('\n', ecxr));
        Assert.Equal($"crash_x64!crash_stage_four_write+0x{displacement:x}:", ecxr[^2]);
        Assert.StartsWith($"{at >> 32:x8}`{at & 0xffffffff:x8} ", ecxr[^1]);

        var ln = a.Lines($"ln {at:x}");
        var nextNames = publics.Where(p => ImageBase + p.Rva == next).Select(p => "crash_x64!" + p.Name).ToList();
        var lm = LnLine().Match(ln.Single());
        Assert.True(lm.Success, ln[0]);
        Assert.Equal(f, ParseAddress(lm.Groups[1].Value));
        Assert.Equal($"crash_x64!crash_stage_four_write+0x{displacement:x}", lm.Groups[2].Value);
        // The next public, unless a full PDB's module symbols hold one in between.
        ulong shownNext = ParseAddress(lm.Groups[3].Value);
        if (a.Source.Kind == SymbolSourceKind.PublicPdb) Assert.Equal(next, shownNext);
        Assert.InRange(shownNext, at + 1, next);
        if (shownNext == next) Assert.Contains(lm.Groups[4].Value, nextNames);

        var exact = a.Lines("ln crash_x64!crash_stage_four_write");
        Assert.Equal("Exact matches:", exact[1]);
        Assert.Matches(@"^    crash_x64!crash_stage_four_write \(.*\)$", exact[2]);
    }

    [ToolFact(Tool, needsSharedData: false)]
    public void DpsOnTheFaultingStackNamesTheCallers()
    {
        using var a = new Attached();
        var publics = Publics().OrderBy(p => p.Rva).ToList();
        var lines = a.Lines(".ecxr; dps @rsp L40").SkipWhile(l => !DpsLine().IsMatch(l)).ToList();
        Assert.Equal(0x40, lines.Count);
        ulong end = ImageBase + (ulong)a.Session.SymbolTable.Find("crash_x64")!.Module.Size;
        var callers = new List<string>();
        foreach (var line in lines)
        {
            var m = DpsLine().Match(line);
            Assert.True(m.Success, line);
            ulong value = ParseAddress(m.Groups[2].Value);
            if (value < ImageBase || value >= end) continue;
            // The nearest public at or below the value, by llvm-pdbutil's addresses.
            var below = publics.Where(p => ImageBase + p.Rva <= value).ToList();
            if (below.Count == 0) continue;
            ulong rva = below[^1].Rva;
            var names = below.Where(p => p.Rva == rva).Select(p => p.Name).ToHashSet();
            var s = Regex.Match(m.Groups[3].Value, @"^crash_x64!(.+?)(?:\+0x([0-9a-f]+))?$");
            if (!s.Success)
            {
                // No symbol covers it (below the first public, or past a sized symbol's end): module+offset.
                Assert.Equal($"crash_x64+0x{value - ImageBase:x}", m.Groups[3].Value);
                continue;
            }
            if (!names.Contains(s.Groups[1].Value)) continue; // a module symbol of a full PDB may sit closer
            ulong shown = s.Groups[2].Success ? ulong.Parse(s.Groups[2].Value, NumberStyles.HexNumber) : 0;
            Assert.Equal(value - ImageBase - rva, shown);
            callers.Add(s.Groups[1].Value);
        }
        output.WriteLine(string.Join('\n', lines));
        // fixtures/README.md: four ← three ← two ← one ← main, so the callers' return addresses are on the stack.
        Assert.Contains("crash_stage_three_apply", callers);
        Assert.Contains("crash_stage_two_validate", callers);
    }

    [ToolFact(Tool, needsSharedData: false)]
    public void X86NamesCarryTheirUnderscoreRuleAndEightDigitDisplacements()
    {
        // 32-bit C names are "_name" in the PDB; "_name" in x matches any number of leading underscores,
        // so the query holds whether a source shows the decorated or the plain name.
        string pdb = FixtureFiles.Out("crash-x86.pdb");
        var sections = LlvmPdbUtil.SectionAddresses(pdb);
        var pub = LlvmPdbUtil.Publics(pdb).Single(p => p.Name == "_crash_stage_four_write");
        using var target = TargetLoader.Open(FixtureFiles.Out("crash-x86.dmp"));
        var session = new DebugSession(target);
        var module = session.SymbolTable.Find("crash_x86")!;
        using var source = PdbSymbolSource.Open(pdb);
        session.SymbolTable.Attach(module, source);
        ulong f = module.Module.Base + sections[pub.Section - 1] + pub.Offset;

        var x = Run.Text(target, "x /2 crash_x86!_crash_stage_four_write", session).Trim();
        Assert.Matches($"^{f:x8} crash_x86!_?crash_stage_four_write$", x);

        var exr = Run.Text(target, ".exr -1", session).Split('\n')[0].TrimEnd('\r');
        var m = Regex.Match(exr, @"^ExceptionAddress: ([0-9a-f]{8}) \(crash_x86!_?crash_stage_four_write\+0x([0-9a-f]{8})\)$");
        Assert.True(m.Success, exr);
        Assert.Equal(f + ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber), ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber));
    }

    [GeneratedRegex(@"^\(([0-9a-f]{8}`[0-9a-f]{8})\)   (\S+)   \|  \(([0-9a-f]{8}`[0-9a-f]{8})\)   (\S+)$")] private static partial Regex LnLine();
    [GeneratedRegex(@"^([0-9a-f]{8}`[0-9a-f]{8})  ([0-9a-f?]{8}`[0-9a-f?]{8})(?: (\S+))?$")] private static partial Regex DpsLine();
}
