using System.Text.Json;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Rendering.Json;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.SymbolCommands;

/// <summary>
/// x, ln, dps and expressions over a hand-built private symbol source with types, so signatures,
/// values, C++ and template names, sorting and filters are checked line by line. The expected lines
/// follow WinDbg's documented layouts (x /v: "prv func   address  size module!name (params)").
/// </summary>
public sealed class SyntheticSymbolCommandTests
{
    private const ulong App = 0x10000000, Other = 0x20000000, Lazy = 0x30000000;

    private static readonly PrimitiveType Int = new("int", PrimitiveKind.Int, 4);
    private static readonly PrimitiveType ULong = new("unsigned long", PrimitiveKind.UInt, 4);
    private static readonly PrimitiveType Char = new("char", PrimitiveKind.Char, 1);
    private static readonly PrimitiveType UShort = new("unsigned short", PrimitiveKind.UInt, 2);

    private static ModuleSymbol Fn(string name, uint rva, uint size) => new(name, rva, size, SymbolEntryKind.Function);
    private static ModuleSymbol Data(string name, uint rva) => new(name, rva, 0, SymbolEntryKind.Data);

    private static (FakeTarget, DebugSession) Build(ulong exceptionAddress = App + 0x1204)
    {
        var t = new FakeTarget { Exception = new ExceptionInfo(0x10, 0xc0000005, 0, 0, exceptionAddress, [1, 0xbad0], null) };
        t.ModuleList.Add(new ModuleInfo(@"C:\app\app.exe", App, 0x10000, 0, 0));
        t.ModuleList.Add(new ModuleInfo(@"C:\app\other.dll", Other, 0x10000, 0, 0));
        t.ModuleList.Add(new ModuleInfo(@"C:\app\lazy.dll", Lazy, 0x10000, 0, 0));
        var data = new byte[0x100];
        BitConverter.GetBytes(5).CopyTo(data, 0);              // g_count
        BitConverter.GetBytes(0x20u).CopyTo(data, 4);          // g_flags
        BitConverter.GetBytes(App + 0x3080).CopyTo(data, 8);   // g_ptr
        t.Regions.Add(App + 0x3000, data);
        t.Regions.Add(0x7000, BitConverter.GetBytes(App + 0x1010).Concat(BitConverter.GetBytes(0x1234UL)).Concat(BitConverter.GetBytes(Lazy + 0x10)).ToArray());
        t.ThreadList.Add(new ThreadInfo(0, 0x10, 0x9000, new RegisterContext(Machine.X64,
            [new Register("rip", App + 0x1204, 64), new Register("rsp", 0x7000, 64)])));
        var s = new DebugSession(t);

        var blob = new UdtType("Blob", UdtKind.Struct, 0x28, () => []);
        var main = new FunctionType(() => Int, () => [Int, new PointerType(new PointerType(Char, 8), 8)]);
        var none = new FunctionType(() => PrimitiveType.Void, () => []);
        var app = new FakeSymbolSource(SymbolSourceKind.PrivatePdb,
            (Fn("main", 0x1000, 0x4a), main),
            (new ModuleSymbol("main_alias", 0x1000, 0, SymbolEntryKind.Label), null),
            (Fn("helper", 0x1100, 0x1c), none),
            // Its public too, as a full PDB has both: x and ln show the function once, with its signature.
            (new ModuleSymbol("helper", 0x1100, 0, SymbolEntryKind.Public, "?helper@@YAXXZ"), null),
            (Fn("Blob::Get", 0x1200, 0x10), none),
            (Fn("Holder<int,Pair<char,int> >::Get", 0x1300, 0x8), none),
            (Fn("operator new", 0x1400, 0x20), null),
            (Data("g_count", 0x3000), Int),
            (Data("g_flags", 0x3004), ULong),
            (Data("g_ptr", 0x3008), new PointerType(Char, 8)),
            (Data("g_blob", 0x3010), blob),
            (Data("g_names", 0x3040), new ArrayType(new PointerType(UShort, 8), 42)),
            (Data("g_missing", 0x5000), Int),
            (Data("_leading", 0x3100), null),
            (Data("__leading2", 0x3108), null));
        var other = new FakeSymbolSource(SymbolSourceKind.PublicPdb,
            (new ModuleSymbol("main", 0x2000, 0, SymbolEntryKind.Function), null));
        s.SymbolTable.Attach(s.SymbolTable.Find("app")!, app);
        s.SymbolTable.Attach(s.SymbolTable.Find("other")!, other);
        return (t, s);
    }

    private static string[] Lines(string commands, ulong exceptionAddress = App + 0x1204)
    {
        var (t, s) = Build(exceptionAddress);
        return Run.Text(t, commands, s).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    private static string Eval(ulong v) => $"Evaluate expression: {(long)v} = {v >> 32:x8}`{v & 0xffffffff:x8}";

    [Fact]
    public void XPrintsSignaturesForCodeAndValuesForData()
    {
        Assert.Equal(
        [
            "00000000`10001000 app!main (int, char **)",
            "00000000`10001000 app!main_alias (<no parameter info>)",
            "00000000`10001100 app!helper (void)",
            "00000000`10001200 app!Blob::Get (void)",
            "00000000`10001300 app!Holder<int,Pair<char,int> >::Get (void)",
            "00000000`10001400 app!operator new (<no parameter info>)",
            "00000000`10003000 app!g_count = 0n5",
            "00000000`10003004 app!g_flags = 0x20",
            "00000000`10003008 app!g_ptr = 0x00000000`10003080",
            "00000000`10003010 app!g_blob = struct Blob",
            "00000000`10003040 app!g_names = unsigned short *[42]",
            "00000000`10003100 app!_leading = <no type information>",
            "00000000`10003108 app!__leading2 = <no type information>",
            "00000000`10005000 app!g_missing = <Memory access error>",
        ], Lines("x app!*"));
    }

    [Fact]
    public void XSlashTAndSlashVAddTypesKindsAndSizes()
    {
        Assert.Equal(
        [
            "00000000`10001000 int app!main (int, char **)",
            "00000000`10003000 int app!g_count = 0n5",
            "00000000`10003100 <NoType> app!_leading = <no type information>",
        ], Lines("x /t app!main; x /t app!g_count; x /t app!_leading"));
        Assert.Equal(
        [
            "prv func   00000000`10001000   4a app!main (int, char **)",
            "prv label  00000000`10001000    0 app!main_alias (<no parameter info>)",
            "prv global 00000000`10003040  150 app!g_names = unsigned short *[42]",
            "pub func   00000000`20002000    0 other!main (<no parameter info>)",
        ], Lines("x /v app!main*; x /v app!g_names; x /v other!main"));
    }

    [Fact]
    public void XFiltersBySizeAndKindAndSortsBySize()
    {
        // /s keeps the symbols of that size and those whose size is unknown (WinDbg's rule).
        Assert.Equal(["app!main_alias", "app!g_names", "app!_leading", "app!__leading2"], Lines("x /1 /s 150 app!*"));
        Assert.Equal(["app!g_count", "app!g_flags", "app!g_ptr", "app!g_blob", "app!g_names", "app!_leading", "app!__leading2", "app!g_missing"],
            Lines("x /1 /d app!*"));
        Assert.Equal(["app!Holder<int,Pair<char,int> >::Get", "app!Blob::Get", "app!helper", "app!operator new", "app!main"],
            Lines("x /1 /z /f app!*").Where(l => l != "app!main_alias").ToArray());
        Assert.Equal(["app!main", "app!operator new", "app!helper", "app!Blob::Get", "app!Holder<int,Pair<char,int> >::Get"],
            Lines("x /1 /Z /f app!*").Where(l => l != "app!main_alias").ToArray());
        Assert.Equal("x: unknown option /k (x [/t] [/v] [/0|/1|/2] [/p] [/f|/d] [/s Size] [/a|/A|/n|/N|/z|/Z] Module!Symbol)", Lines("x /k app!*").Single());
    }

    [Fact]
    public void XNamesMayHoldSpacesAndOneLeadingUnderscoreStandsForAny()
    {
        Assert.Equal(["app!operator new"], Lines("x /1 app!operator new"));
        Assert.Equal(["app!_leading", "app!__leading2"], Lines("x /1 app!_leading*"));
        Assert.Equal(["app!__leading2"], Lines("x /1 app!__leading*"));
        // Without "module!" every module is searched.
        Assert.Equal(["app!main", "other!main"], Lines("x /1 main"));
        Assert.Equal(["app!Blob::Get", "app!Holder<int,Pair<char,int> >::Get"], Lines("x /1 *!*::Get"));
    }

    [Fact]
    public void ExpressionsTakeCppTemplateAndQuotedNames()
    {
        Assert.Equal(Eval(App + 0x1204), Lines("? app!Blob::Get+4").Single());
        Assert.Equal(Eval(App + 0x1300), Lines("? app!Holder<int,Pair<char,int> >::Get").Single());
        Assert.Equal(Eval(App + 0x1308), Lines("? app!Holder<int,Pair<char,int> >::Get+8").Single());
        Assert.Equal(Eval(App + 0x1400), Lines("? @!\"app!operator new\"").Single());
        // '<' stays the less-than operator where no template name resolves.
        Assert.Equal(Eval(1), Lines("? app!main<app!helper").Single());
        Assert.Equal(Eval(0), Lines("? app!helper<app!main").Single());
        Assert.Equal(Eval(5), Lines("? dwo(app!g_count)").Single());
        Assert.Equal(Eval(App + 0x3080), Lines("? poi(app!g_ptr)").Single());
        Assert.Equal("Couldn't resolve error at 'app!Holder<int>::Get'", Lines("? app!Holder<int>::Get").Single());
        Assert.Equal("Couldn't resolve error at '@!\"app!no such\"'", Lines("? @!\"app!no such\"").Single());
    }

    [Fact]
    public void ManyLessThanSignsAfterSymbolsStayLinear()
    {
        // Each "app!main<" makes the evaluator look for a template argument list; the look is capped.
        string text = "? " + string.Concat(Enumerable.Repeat("app!main<", 20000)) + "1";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // (main<main) is 0, then 0<main and 1<main are 1, and the final 1<1 is 0.
        Assert.Equal(Eval(0), Lines(text).Single());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public void BareNamesResolveWhenUniqueAndAreRefusedWhenAmbiguous()
    {
        Assert.Equal(Eval(App + 0x1100), Lines("? helper").Single());
        Assert.Equal("Ambiguous symbol error at 'main'", Lines("? main").Single());
        Assert.Equal(Eval(App + 0x1000), Lines("? app!main").Single());
        Assert.Equal(Eval(Other + 0x2000), Lines("? other!main").Single());
        // A module name is the module's base.
        Assert.Equal(Eval(Other), Lines("? other").Single());
    }

    [Fact]
    public void LnListsEverySymbolAtAnExactAddressAndStopsAtASizedSymbolsEnd()
    {
        Assert.Equal(
        [
            "(00000000`10001000)   app!main   |  (00000000`10001100)   app!helper",
            "Exact matches:",
            "    app!main (int, char **)",
            "    app!main_alias (<no parameter info>)",
        ], Lines("ln app!main"));
        Assert.Equal(["(00000000`10001000)   app!main+0x49   |  (00000000`10001100)   app!helper"], Lines("ln app!main+0x49"));
        Assert.Equal(["(00000000`10001100)   app!helper   |  (00000000`10001200)   app!Blob::Get", "Exact matches:", "    app!helper (void)"],
            Lines("ln app!helper"));
        // Past main's 0x4a bytes the address belongs to no symbol: the module and its offset.
        Assert.Equal(["(00000000`10000000)   app+0x104a   |  (00000000`10001100)   app!helper"], Lines("ln app!main+0x4a"));
        // Without an address: the instruction pointer.
        Assert.Equal(["(00000000`10001200)   app!Blob::Get+0x4   |  (00000000`10001300)   app!Holder<int,Pair<char,int> >::Get"], Lines("ln"));
        Assert.Empty(Lines("ln 5"));
    }

    [Fact]
    public void ExrNamesTheExceptionAddressWithAPointerWideDisplacement()
    {
        Assert.Equal("ExceptionAddress: 0000000010001204 (app!Blob::Get+0x0000000000000004)", Lines(".exr -1")[0]);
        Assert.Equal("ExceptionAddress: 0000000010001200 (app!Blob::Get)", Lines(".exr -1", App + 0x1200)[0]);
        Assert.Equal("ExceptionAddress: 000000001000104a (app+0x104a)", Lines(".exr -1", App + 0x104a)[0]);
        Assert.Equal("ExceptionAddress: 0000000000000050", Lines(".exr -1", 0x50)[0]);
    }

    [Fact]
    public void DeferredSymbolsLoadWhenAnAddressOrNameNeedsThemButNotForARegister()
    {
        var (t, s) = Build();
        var lazy = s.SymbolTable.Find("lazy")!;
        Assert.Equal(SymbolStatus.Deferred, lazy.Status);
        // "rsp" without '@' is a register once no loaded module defines it: nothing is loaded for it.
        Assert.Equal(Eval(0x7000), Run.Text(t, "? rsp", s).Trim());
        Assert.Equal(SymbolStatus.Deferred, lazy.Status);
        // dps over a value inside the module loads its symbols (this one has none: module+offset).
        Assert.Equal("00000000`00007010  00000000`30000010 lazy+0x10", Run.Text(t, "dps 7010 L1", s).Trim());
        Assert.NotEqual(SymbolStatus.Deferred, lazy.Status);
    }

    [Fact]
    public void AnUnknownBareNameTriesTheDeferredModules()
    {
        var (t, s) = Build();
        Assert.Equal("Couldn't resolve error at 'no_such_name'", Run.Text(t, "? no_such_name", s).Trim());
        Assert.NotEqual(SymbolStatus.Deferred, s.SymbolTable.Find("lazy")!.Status);
    }

    [Fact]
    public void JsonCarriesTheSymbolsAsData()
    {
        var (_, s) = Build();
        var exec = new CommandExecutor(s);
        using var x = JsonDocument.Parse(JsonRendering.Render(exec.Execute("x app!g_*")));
        Assert.Equal("XResult", x.RootElement.GetProperty("type").GetString());
        var first = x.RootElement.GetProperty("result").GetProperty("symbols")[0];
        Assert.Equal(App + 0x3000, first.GetProperty("address").GetUInt64());
        Assert.Equal("g_count", first.GetProperty("name").GetString());
        Assert.Equal("int", first.GetProperty("typeName").GetString());
        Assert.Equal("0n5", first.GetProperty("value").GetString());

        using var ln = JsonDocument.Parse(JsonRendering.Render(exec.Execute("ln app!main+1")));
        var r = ln.RootElement.GetProperty("result");
        Assert.Equal("app!main+0x1", r.GetProperty("nearest").GetProperty("name").GetString());
        Assert.Equal(App + 0x1100, r.GetProperty("next").GetProperty("address").GetUInt64());
        Assert.Equal(0, r.GetProperty("exactMatches").GetArrayLength());
    }

    [Fact]
    public void DpsAndRegistersNameAddressesBySymbol()
    {
        Assert.Equal(["00000000`00007000  00000000`10001010 app!main+0x10", "00000000`00007008  00000000`00001234"], Lines("dps 7000 L2"));
        Assert.Equal(["00000000`00007000  10001010 app!main+0x10", "00000000`00007004  00000000"], Lines("dds 7000 L2"));
        Assert.Equal("app!Blob::Get+0x4:", Lines("r")[^1]);
    }
}
