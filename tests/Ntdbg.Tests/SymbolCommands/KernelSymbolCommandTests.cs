using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Isf;
using Ntdbg.Tests.KernelDump;
using Ntdbg.Tests.Support;
using Xunit.Abstractions;

namespace Ntdbg.Tests.SymbolCommands;

/// <summary>
/// x, ln, dps, r and expressions on the real Windows 10 triage dump with the 19041 ISF table attached
/// to nt. The oracle is the ISF's raw JSON (decompressed by xz, parsed by JsonDocument) plus the
/// kernel base the dump header gives, and rizin's independent stack walk of the same dump.
/// </summary>
public sealed partial class KernelSymbolCommandTests(ITestOutputHelper output)
{
    private const string Dump = "kernel/triage_x64_19041.dmp";
    private const string Rizin = "kernel/rizin_dmp_expected_x64.txt";
    private const string Table = "5278AFF86C341677D7D7835C85B7B844-1.json.xz";
    /// <summary>The kernel base of this dump (issue 3; `lm` shows nt there, rizin's r15 holds it).</summary>
    private const ulong KernelBase = 0xfffff8047ba00000;

    private static readonly Lazy<IsfSymbolSource> Source = new(() => IsfSymbolSource.Load(IsfRawJson.PathOf(Table)));

    private static string Text(string commands)
    {
        using var target = TargetLoader.Open(TestData.Shared(Dump));
        var session = new DebugSession(target);
        session.SymbolTable.Attach(session.SymbolTable.Find("nt")!, Source.Value);
        return Run.Text(target, commands, session);
    }

    private static string[] Lines(string commands) =>
        Text(commands).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();

    /// <summary>name → RVA from the raw JSON, no ntdbg code involved.</summary>
    private static Dictionary<string, ulong> RawSymbols()
    {
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var p in IsfRawJson.Root(Table).GetProperty("symbols").EnumerateObject())
            map[p.Name] = p.Value.GetProperty("address").GetUInt64();
        return map;
    }

    private static ulong ParseAddress(string text) => ulong.Parse(text.Replace("`", ""), NumberStyles.HexNumber);
    private static string Q(ulong v) => $"{v >> 32:x8}`{v & 0xffffffff:x8}";

    [SharedDataFact(Dump)]
    public void XKeBugCheckStarListsTheIsfRvasPlusTheKernelBase()
    {
        var raw = RawSymbols();
        var expected = raw.Where(p => p.Key.StartsWith("KeBugCheck", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(p => p.Key, p => KernelBase + p.Value);
        Assert.True(expected.Count >= 5);

        var lines = Lines("x nt!KeBugCheck*");
        var got = new Dictionary<string, ulong>();
        foreach (var line in lines)
        {
            var m = XLine().Match(line);
            Assert.True(m.Success, $"unexpected x line: {line}");
            got.Add(m.Groups[2].Value, ParseAddress(m.Groups[1].Value));
        }
        Assert.Equal(expected.OrderBy(p => p.Key), got.OrderBy(p => p.Key));

        // KeBugCheckEx is where rizin's stack walk puts the faulting RIP.
        var rizin = RizinExpected.Load(TestData.Shared(Rizin), "Triage Dump Debug x64");
        Assert.Equal(rizin.Registers["rip"], got["KeBugCheckEx"]);
    }

    [SharedDataFact(Dump)]
    public void XStarListsEveryIsfSymbol()
    {
        var raw = RawSymbols();
        var lines = Lines("x /2 nt!*");
        var got = lines.Select(l => (Name: l[21..], Address: ParseAddress(l[..17]))).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(raw.Select(p => (p.Key, KernelBase + p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal), got);
    }

    [SharedDataFact(Dump)]
    public void XTellsCodeFromDataByTheSectionTheSymbolLiesIn()
    {
        // ISF symbols carry no types: the kernel's section table (its header page is in the dump) decides.
        var lines = Lines("x nt!KeBugCheckEx; x nt!KeBugCheckCallbackListHead");
        var raw = RawSymbols();
        Assert.Equal($"{Q(KernelBase + raw["KeBugCheckEx"])} nt!KeBugCheckEx (<no parameter info>)", lines[0]);
        Assert.Equal($"{Q(KernelBase + raw["KeBugCheckCallbackListHead"])} nt!KeBugCheckCallbackListHead = <no type information>", lines[1]);
    }

    [SharedDataFact(Dump)]
    public void XOptionsShapeTheLines()
    {
        var raw = RawSymbols();
        string ex = Q(KernelBase + raw["KeBugCheckEx"]);
        Assert.Equal($"pub func   {ex}    0 nt!KeBugCheckEx (<no parameter info>)", Lines("x /v nt!KeBugCheckEx").Single());
        Assert.Equal($"{ex} <NoType> nt!KeBugCheckEx (<no parameter info>)", Lines("x /t nt!KeBugCheckEx").Single());
        Assert.Equal(ex, Lines("x /0 nt!KeBugCheckEx").Single());
        Assert.Equal("nt!KeBugCheckEx", Lines("x /1 nt!KeBugCheckEx").Single());
        Assert.Equal($"{ex} nt!KeBugCheckEx", Lines("x /2 nt!KeBugCheckEx").Single());
        Assert.Equal($"{ex} nt!KeBugCheckEx(<no parameter info>)", Lines("x /p nt!KeBugCheckEx").Single());

        var byAddress = Lines("x /a nt!KeBugCheck*").Select(l => ParseAddress(l[..17])).ToList();
        Assert.Equal(byAddress.Order(), byAddress);
        var byAddressDown = Lines("x /A nt!KeBugCheck*").Select(l => ParseAddress(l[..17])).ToList();
        Assert.Equal(byAddress.AsEnumerable().Reverse(), byAddressDown);
        var byName = Lines("x /1 /n nt!KeBugCheck*").ToList();
        Assert.Equal(byName.Order(StringComparer.OrdinalIgnoreCase), byName);
        Assert.Equal(raw.Keys.Count(k => k.StartsWith("KeBugCheck", StringComparison.OrdinalIgnoreCase)), byName.Count);
        // Only code with /f, only data with /d: KeBugCheck, KeBugCheck2 and KeBugCheckEx are the functions.
        Assert.Equal(["nt!KeBugCheck", "nt!KeBugCheck2", "nt!KeBugCheckEx"], Lines("x /1 /n /f nt!KeBugCheck*"));
        Assert.DoesNotContain("nt!KeBugCheckEx", Lines("x /1 /d nt!KeBugCheck*"));
    }

    [SharedDataFact(Dump)]
    public void XWildcardsWorkInTheModuleAndTheNameAndNoMatchPrintsNothing()
    {
        var raw = RawSymbols();
        var expected = raw.Keys.Where(k => Regex.IsMatch(k, "^KeBugCheck.x$", RegexOptions.IgnoreCase)).Select(k => "nt!" + k).Order();
        Assert.Equal(expected, Lines("x /1 n?!kebugcheck?x").Order());
        Assert.Equal("", Text("x nt!NoSuchSymbolAnywhere*"));
        Assert.Equal("", Text("x nosuchmodule!KeBugCheckEx"));
    }

    [SharedDataFact(Dump)]
    public void LnOfTheFaultingRipNamesKeBugCheckExWithAnExactMatch()
    {
        var raw = RawSymbols();
        ulong rva = raw["KeBugCheckEx"];
        ulong next = raw.Values.Where(v => v > rva).Min();
        string[] nextNames = [.. raw.Where(p => p.Value == next).Select(p => "nt!" + p.Key)];

        var lines = Lines("ln @rip");
        var m = LnLine().Match(lines[0]);
        Assert.True(m.Success, lines[0]);
        Assert.Equal(KernelBase + rva, ParseAddress(m.Groups[1].Value));
        Assert.Equal("nt!KeBugCheckEx", m.Groups[2].Value);
        Assert.Equal(KernelBase + next, ParseAddress(m.Groups[3].Value));
        Assert.Contains(m.Groups[4].Value, nextNames);
        Assert.Equal(["Exact matches:", "    nt!KeBugCheckEx (<no parameter info>)"], lines[1..]);
    }

    [SharedDataFact(Dump)]
    public void LnInsideAFunctionGivesTheDisplacementAndTheNextSymbol()
    {
        var raw = RawSymbols();
        ulong rva = raw["KeBugCheckEx"];
        ulong next = raw.Values.Where(v => v > rva).Min();
        var lines = Lines("ln @rip+0x10");
        Assert.Single(lines);
        var m = LnLine().Match(lines[0]);
        Assert.True(m.Success, lines[0]);
        Assert.Equal(KernelBase + rva, ParseAddress(m.Groups[1].Value));
        Assert.Equal("nt!KeBugCheckEx+0x10", m.Groups[2].Value);
        Assert.Equal(KernelBase + next, ParseAddress(m.Groups[3].Value));
        // The same through a symbolic address, and nothing at all outside every module (as WinDbg).
        Assert.Equal(lines, Lines("ln nt!KeBugCheckEx+10"));
        Assert.Equal("", Text("ln 1000"));
    }

    [SharedDataFact(Dump)]
    public void DpsOverTheStackNamesTheReturnAddressesRizinFound()
    {
        var raw = RawSymbols();
        var rvas = raw.Values.Distinct().Order().ToArray();
        var rizinFrames = RizinFrames();
        ulong rsp = rizinFrames[0].Sp;
        ulong deepest = rizinFrames.Where(f => f.Module == "ntkrnlmp").Max(f => f.Sp);
        ulong count = (deepest - rsp) / 8 + 1;

        var lines = Lines($"dps @rsp L{count:x}");
        Assert.Equal((int)count, lines.Length);
        var slots = new Dictionary<ulong, (ulong Value, string? Symbol)>();
        foreach (var line in lines)
        {
            var m = DpsLine().Match(line);
            Assert.True(m.Success, line);
            slots[ParseAddress(m.Groups[1].Value)] = (ParseAddress(m.Groups[2].Value), m.Groups[3].Success ? m.Groups[3].Value : null);
        }

        // Every value inside nt is named by the nearest ISF symbol at or below it.
        int named = 0;
        ulong ntSize;
        using (var target = TargetLoader.Open(TestData.Shared(Dump)))
            ntSize = target.Modules.Single(m => m.Base == KernelBase).Size;
        foreach (var (value, symbol) in slots.Values.Where(v => v.Value >= KernelBase && v.Value - KernelBase < ntSize))
        {
            ulong offset = value - KernelBase;
            int i = Array.BinarySearch(rvas, offset);
            if (i < 0) i = ~i - 1;
            if (i < 0)
            {
                // Below the first symbol (the image header): the module and the offset only.
                Assert.Equal(offset == 0 ? "nt" : $"nt+0x{offset:x}", symbol);
                continue;
            }
            var names = raw.Where(p => p.Value == rvas[i]).Select(p => p.Key).ToHashSet();
            var m = Regex.Match(symbol ?? "", @"^nt!(.+?)(?:\+0x([0-9a-f]+))?$");
            Assert.True(m.Success, $"{value:x}: {symbol}");
            Assert.Contains(m.Groups[1].Value, names);
            Assert.Equal(offset - rvas[i], m.Groups[2].Success ? ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber) : 0);
            named++;
        }

        // Rizin's frames: the return address of frame i sits just below frame i's stack pointer.
        int compared = 0;
        foreach (var f in rizinFrames.Skip(1).Where(f => f.Module == "ntkrnlmp"))
        {
            var slot = slots[f.Sp - 8];
            Assert.Equal(f.Pc, slot.Value);
            // Where rizin's PDB name is also an ISF name, both name the same function and offset.
            if (!raw.TryGetValue(f.Name, out ulong rva) || KernelBase + rva + f.Offset != f.Pc) continue;
            Assert.Equal(f.Offset == 0 ? $"nt!{f.Name}" : $"nt!{f.Name}+0x{f.Offset:x}", slot.Symbol);
            compared++;
        }
        output.WriteLine($"{named} stack values named in nt; {compared} of rizin's nt frames compared by name");
        Assert.True(compared >= 5, $"only {compared} rizin frames compared");
    }

    [SharedDataFact(Dump)]
    public void RegistersEndWithTheSymbolOfTheInstructionPointer()
    {
        var lines = Lines("r");
        Assert.Equal("nt!KeBugCheckEx:", lines[^2]);
        // Then the instruction at rip (KeBugCheckEx's first), as `u @rip L1` shows it.
        Assert.Equal(Lines("u @rip L1")[^1], lines[^1]);
    }

    [SharedDataFact(Dump)]
    public void ExpressionsResolveKernelSymbols()
    {
        var raw = RawSymbols();
        ulong ex = KernelBase + raw["KeBugCheckEx"];
        Assert.Equal($"Evaluate expression: {(long)ex} = {Q(ex)}", Lines("? nt!KeBugCheckEx").Single());
        Assert.Equal($"Evaluate expression: {(long)(ex + 0x10)} = {Q(ex + 0x10)}", Lines("? nt!KeBugCheckEx+0x10").Single());
        Assert.Equal($"Evaluate expression: {(long)ex} = {Q(ex)}", Lines("? KeBugCheckEx").Single());
        // The KDBG copy in the dump is mapped at nt!KdDebuggerDataBlock; its KernBase field (+0x18) is the kernel base.
        Assert.Equal($"Evaluate expression: {unchecked((long)KernelBase)} = {Q(KernelBase)}", Lines("? poi(nt!KdDebuggerDataBlock+0x18)").Single());
        // dq at a symbol starts at that symbol's address (the memory itself may be absent from a triage dump).
        Assert.StartsWith(Q(KernelBase + raw["PoolTrackTable"]) + " ", Lines("dq nt!PoolTrackTable L1")[0]);
        Assert.Equal("Couldn't resolve error at 'nt!Nope'", Lines("? nt!Nope").Single());
        Assert.Equal("Couldn't resolve error at 'nt!Nope+1'", Lines("? nt!Nope+1").Single());
    }

    private sealed record RizinFrame(int Index, ulong Pc, ulong Sp, string Module, string Name, ulong Offset);

    private static List<RizinFrame> RizinFrames()
    {
        string text = File.ReadAllText(TestData.Shared(Rizin));
        int start = text.IndexOf("NAME=: Triage Dump Debug x64", StringComparison.Ordinal);
        int end = text.IndexOf("NAME=:", start + 10, StringComparison.Ordinal);
        var frames = new List<RizinFrame>();
        foreach (Match m in RizinFrameLine().Matches(text[start..end]))
            frames.Add(new RizinFrame(int.Parse(m.Groups[1].Value), ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber),
                ulong.Parse(m.Groups[3].Value, NumberStyles.HexNumber), m.Groups[4].Value, m.Groups[5].Value,
                m.Groups[6].Success ? ulong.Parse(m.Groups[6].Value) : 0));
        Assert.True(frames.Count > 30);
        return frames;
    }

    [GeneratedRegex(@"^([0-9a-f]{8}`[0-9a-f]{8}) nt!(\S+) ")] private static partial Regex XLine();
    [GeneratedRegex(@"^\(([0-9a-f]{8}`[0-9a-f]{8})\)   (\S+)   \|  \(([0-9a-f]{8}`[0-9a-f]{8})\)   (\S+)$")] private static partial Regex LnLine();
    [GeneratedRegex(@"^([0-9a-f]{8}`[0-9a-f]{8})  ([0-9a-f?]{8}`[0-9a-f?]{8})(?: (\S+))?$")] private static partial Regex DpsLine();
    [GeneratedRegex(@"^(\d+)\s+0x([0-9a-f]+) sp: 0x([0-9a-f]+)\s+\d+\s+\[\?\?\]\s+pdb\.(\w+)\.(\S+?)(?:\+(\d+))?\s*$", RegexOptions.Multiline)] private static partial Regex RizinFrameLine();
}
