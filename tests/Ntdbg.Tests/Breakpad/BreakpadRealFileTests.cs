using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Formats.Breakpad;
using Ntdbg.Symbols.Breakpad;
using Ntdbg.Symbols.Model;
using Ntdbg.Tests.Support;
using static Ntdbg.Tests.Breakpad.BreakpadTestFiles;

namespace Ntdbg.Tests.Breakpad;

/// <summary>
/// The reader on the three real .sym files dump_syms wrote: record counts as `grep -c` counts
/// them, and lookups checked against the record lines themselves (picked out of the text with
/// regular expressions, not through the reader).
/// </summary>
public sealed partial class BreakpadRealFileTests
{
    public static TheoryData<string> Files() => new(All);

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [SharedDataTheory]
    [MemberData(nameof(Files))]
    public void RecordCountsEqualWhatGrepCounts(string relative)
    {
        string text = Text(relative);
        var file = BreakpadSymbolFile.Load(TestData.Shared(relative));
        Assert.Equal(Grep(text, "^FUNC ").Length, file.Functions.Count);
        Assert.Equal(Grep(text, "^PUBLIC ").Length, file.Publics.Count);
        Assert.Equal(Grep(text, "^STACK WIN ").Length, file.StackWinCount);
        Assert.Equal(Grep(text, "^STACK CFI INIT ").Length, file.CfiInits.Count);
        Assert.Equal(Grep(text, "^STACK CFI [0-9a-f]").Length, file.CfiDeltas.Count);
        Assert.Equal(Grep(text, "^[0-9a-f]+ ").Length, file.Lines.Count);
        Assert.Equal(Grep(text, "^FILE ").Select(l => l.Split(' ')[1]).Distinct().Count(), file.Files.Count);
        Assert.Equal(0, file.SkippedRecords);
        Assert.True(file.Functions.Count + file.Publics.Count > 0);

        var module = text[..text.IndexOf('\n')].TrimEnd('\r').Split(' ', 5);
        Assert.Equal(("MODULE", module[1], module[2], module[3], module[4]),
            ("MODULE", file.Module.OperatingSystem, file.Module.Architecture, file.Module.Id, file.Module.Name));
        if (Grep(text, "^INFO CODE_ID ").FirstOrDefault() is { } info) Assert.Equal(info.Split(' ')[2], file.CodeId);
    }

    [GeneratedRegex(@"^FUNC (?:m )?([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) (.*)$")]
    private static partial Regex FuncLine();

    [GeneratedRegex(@"^([0-9a-f]+) ([0-9a-f]+) (-?\d+) (\d+)$")]
    private static partial Regex LineRecord();

    [SharedDataTheory]
    [MemberData(nameof(Files))]
    public void EveryFunctionIsFoundAtItsAddressWithItsLines(string relative)
    {
        var source = BreakpadSymbolSource.Load(TestData.Shared(relative));
        var lines = Text(relative).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var funcs = new List<(ulong Address, ulong Size, string Name, List<BreakpadLine> Lines)>();
        foreach (var l in lines)
        {
            if (FuncLine().Match(l) is { Success: true } m) funcs.Add((Hex(m.Groups[1].Value), Hex(m.Groups[2].Value), m.Groups[4].Value, []));
            else if (LineRecord().Match(l) is { Success: true } r)
                funcs[^1].Lines.Add(new BreakpadLine(Hex(r.Groups[1].Value), Hex(r.Groups[2].Value), int.Parse(r.Groups[3].Value), int.Parse(r.Groups[4].Value)));
        }
        var starts = funcs.Select(f => f.Address).ToHashSet();
        foreach (var f in funcs)
        {
            Assert.True(source.TryFindByRva((uint)f.Address, out var symbol, out uint displacement), f.Name);
            Assert.Equal((f.Address, 0u), (symbol.Rva, displacement));
            Assert.Contains(source.FindByName(f.Name), s => s.Rva == f.Address && s.Kind == SymbolEntryKind.Function);

            var found = source.File.FindFunction(f.Address);
            Assert.NotNull(found);
            Assert.Equal(f.Address, found.Address);
            if (funcs.Count(g => g.Address == f.Address) == 1)
            {
                Assert.Equal((f.Size, f.Name), (found.Size, found.Name));
                Assert.Equal(f.Lines, source.File.LinesOf(found).ToArray());
                // The last byte is still this function unless another FUNC starts inside it.
                if (f.Size > 1 && !starts.Any(s => s > f.Address && s < f.Address + f.Size))
                    Assert.Same(found, source.File.FindFunction(f.Address + f.Size - 1));
            }
        }
    }

    [SharedDataTheory]
    [MemberData(nameof(Files))]
    public void PublicsAreFoundAtTheirAddresses(string relative)
    {
        var source = BreakpadSymbolSource.Load(TestData.Shared(relative));
        foreach (var l in Grep(Text(relative), "^PUBLIC "))
        {
            var m = Regex.Match(l, @"^PUBLIC (?:m )?([0-9a-f]+) ([0-9a-f]+) (.*)$");
            Assert.True(m.Success, l);
            uint rva = (uint)Hex(m.Groups[1].Value);
            Assert.Contains(source.Symbols, s => s.Rva == rva && (s.Name == m.Groups[3].Value || s.DecoratedName == m.Groups[3].Value));
            Assert.True(source.TryFindByRva(rva, out var symbol, out uint displacement));
            Assert.Equal((rva, 0u), (symbol.Rva, displacement));
        }
    }

    private sealed record StackWinLine(uint Type, uint Rva, uint Size, uint Prolog, uint Params, uint Saved, uint Locals, uint MaxStack, string? Program, bool AllocatesBp);

    private static List<StackWinLine> StackWinLines(string text) =>
        [.. Grep(text, "^STACK WIN ").Select(l =>
        {
            var f = l.Split(' ', 13);
            uint H(int i) => (uint)Hex(f[i]);
            bool hasProgram = f[11] == "1";
            return new StackWinLine(H(2), H(3), H(4), H(5), H(7), H(8), H(9), H(10), hasProgram ? f[12] : null, !hasProgram && f[12] == "1");
        })];

    /// <summary>
    /// Every STACK WIN record probed at its first byte, last byte and one past its end; the answer
    /// must be what a linear scan of the record lines picks: the innermost (highest start, then
    /// shortest) covering record of type 4, else of type 0.
    /// </summary>
    [SharedDataFact(TestApp)]
    public void StackWinLookupsPickTheInnermostRecordPreferringFrameData()
    {
        int fpoRecords = 0;
        foreach (var relative in new[] { TestApp, Kernel32 })
        {
            string text = Text(relative);
            var records = StackWinLines(text);
            Assert.NotEmpty(records);
            fpoRecords += records.Count(r => r.Type == 0);
            var unwind = BreakpadSymbolSource.Load(TestData.Shared(relative)).UnwindData!;
            int checkedCount = 0;
            foreach (uint probe in records.SelectMany(r => new[] { r.Rva, r.Rva + r.Size - 1, r.Rva + r.Size }).Distinct())
            {
                var covering = records.Where(r => probe >= r.Rva && probe - r.Rva < r.Size).ToList();
                var ofType = covering.Where(r => r.Type == 4).ToList() is { Count: > 0 } fd ? fd : covering.Where(r => r.Type == 0).ToList();
                var got = unwind.FindX86Frame(probe);
                if (ofType.Count == 0)
                {
                    Assert.True(got == null || got.Kind is not (X86FrameKind.Fpo or X86FrameKind.FrameData), $"0x{probe:x}");
                    continue;
                }
                uint start = ofType.Max(r => r.Rva);
                uint size = ofType.Where(r => r.Rva == start).Min(r => r.Size);
                Assert.NotNull(got);
                var actual = new StackWinLine((uint)got.Kind, got.Rva, got.CodeSize, got.PrologSize, got.ParamsSize, got.SavedRegsSize,
                    got.LocalsSize, got.MaxStackSize, got.Program, got.AllocatesBasePointer);
                Assert.Contains(actual, ofType.Where(r => r.Rva == start && r.Size == size));
                checkedCount++;
            }
            Assert.True(checkedCount >= records.Count / 2, $"{relative}: only {checkedCount} probes landed in a record");
        }
        Assert.True(fpoRecords > 0, "no type 0 (FPO) record to check the preference against");
    }

    /// <summary>minidump2.stackwalk.out's frame 0 (breakpad's own answer): function, and the source line of the crash.</summary>
    [SharedDataFact(StackwalkOut)]
    public void CrashAddressNamesTheFunctionAndLineBreakpadsStackwalkPrinted()
    {
        string walk = Text(StackwalkOut);
        var frame0 = Regex.Match(walk, @"^ 0  test_app\.exe!(.+) \[(\S+) : (\d+) \+ 0x[0-9a-f]+\]\s+eip = 0x([0-9a-f]+)", RegexOptions.Multiline);
        var module = Regex.Match(walk, @"^0x([0-9a-f]+) - 0x[0-9a-f]+\s+test_app\.exe", RegexOptions.Multiline);
        Assert.True(frame0.Success && module.Success);
        uint rva = (uint)(Hex(frame0.Groups[4].Value) - Hex(module.Groups[1].Value));

        var source = BreakpadSymbolSource.Load(TestData.Shared(TestApp));
        var func = Grep(Text(TestApp), "^FUNC ").Select(l => FuncLine().Match(l))
            .Single(m => Hex(m.Groups[1].Value) <= rva && rva < Hex(m.Groups[1].Value) + Hex(m.Groups[2].Value));
        Assert.True(source.TryFindByRva(rva, out var symbol, out uint displacement));
        Assert.Equal(frame0.Groups[1].Value, symbol.Name);
        Assert.Equal(func.Groups[4].Value, symbol.Name);
        Assert.Equal(rva - (uint)Hex(func.Groups[1].Value), displacement);

        var f = source.File.FindFunction(rva)!;
        var line = source.File.LinesOf(f).ToArray().Single(l => l.Address <= rva && rva < l.Address + l.Size);
        Assert.Equal(int.Parse(frame0.Groups[3].Value), line.Line);
        Assert.EndsWith(frame0.Groups[2].Value, source.File.Files[line.FileNumber].Replace('\\', '/'));
    }
}
