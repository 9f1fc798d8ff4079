using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Cli;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Breakpad;
using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;
using static Ntdbg.Tests.Breakpad.BreakpadTestFiles;

namespace Ntdbg.Tests.Breakpad;

/// <summary>
/// The loader finds breakpad symbols for a module with no PDB in the symbol path's plain folders
/// (breakpad's `name.pdb/ID/name.sym` layout), checks the MODULE id, and the commands name code
/// with them as breakpad's own stackwalker did for the same dump.
/// </summary>
public sealed class BreakpadLoadingTests
{
    [Fact]
    public void LayoutIsPdbNameThenDebugIdThenSymName()
    {
        Assert.Equal("test_app.sym", BreakpadLocator.SymFileName("test_app.pdb"));
        Assert.Equal("TEST.sym", BreakpadLocator.SymFileName("TEST.PDB"));
        Assert.Equal("libc.so.6.sym", BreakpadLocator.SymFileName("libc.so.6"));
        Assert.Null(BreakpadLocator.Find(Path.GetTempPath(), "../x.pdb", "AB"));
        Assert.Null(BreakpadLocator.Find(Path.GetTempPath(), "x.pdb", "../AB"));
    }

    [SharedDataFact(DumpFile)]
    public void EndToEndLmAndLnNameTheCrashFunctionAsStackwalkDid()
    {
        string walk = Text(StackwalkOut);
        var frame0 = Regex.Match(walk, @"^ 0  test_app\.exe!(.+) \[.*\]\s+eip = 0x([0-9a-f]+)", RegexOptions.Multiline);
        Assert.True(frame0.Success);
        ulong eip = ulong.Parse(frame0.Groups[2].Value, NumberStyles.HexNumber);

        var o = new StringWriter();
        var options = CliOptions.Parse(["-z", TestData.Shared(DumpFile), "-y", TestData.Shared(SymbolRoot), "-c", $"lm; ln 0x{eip:x8}; lm m test_app; q"]);
        using (var target = TargetLoader.Open(TestData.Shared(DumpFile)))
            new DebuggerHost(options, o, new StringReader("")).Run(target);
        string text = o.ToString();

        // The FUNC record covering the crash, read from the file's text.
        var module = Regex.Match(text, @"^([0-9a-f]{8}) [0-9a-f]{8}\s+test_app\s", RegexOptions.Multiline);
        Assert.True(module.Success, text);
        ulong rva = eip - ulong.Parse(module.Groups[1].Value, NumberStyles.HexNumber);
        var func = Grep(Text(TestApp), "^FUNC ").Select(l => l.Split(' ', 5))
            .Single(f => Convert.ToUInt64(f[1], 16) <= rva && rva < Convert.ToUInt64(f[1], 16) + Convert.ToUInt64(f[2], 16));
        Assert.Equal(frame0.Groups[1].Value, func[4]);
        ulong start = ulong.Parse(module.Groups[1].Value, NumberStyles.HexNumber) + Convert.ToUInt64(func[1], 16);
        Assert.Contains($"({start:x8})   test_app!{func[4]}+0x{eip - start:x}   |", text);
        Assert.Matches(new Regex(@"test_app\s+\(breakpad symbols\)\s+\S*test_app\.sym"), text);
    }

    [SharedDataFact(DumpFile)]
    public void LoadedSourceIsBreakpadWithUnwindDataForEachModuleThatHasAFile()
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpFile));
        var session = new DebugSession(target, TestData.Shared(SymbolRoot));
        foreach (var (name, sym) in new[] { ("test_app", TestApp), ("kernel32", Kernel32) })
        {
            var m = session.SymbolTable.Find(name)!;
            var source = Assert.IsType<BreakpadSymbolSource>(session.SymbolTable.EnsureLoaded(m));
            Assert.Equal(SymbolSourceKind.Breakpad, source.Kind);
            Assert.Equal(Path.GetFullPath(TestData.Shared(sym)), Path.GetFullPath(source.FilePath));
            Assert.Equal(m.Module.CodeView!.SymbolKey, source.File.Module.Id);
            Assert.Null(source.Types);
            Assert.NotNull(source.UnwindData);
            Assert.Equal("breakpad symbols", ModuleSymbolLoader.Describe(source));
        }
    }

    [SharedDataFact(TestApp)]
    public void SymFileWhoseModuleIdDiffersIsIgnoredWithANote()
    {
        var dir = Directory.CreateTempSubdirectory("ntdbg-breakpad-mismatch").FullName;
        try
        {
            string key = Path.GetFileName(Path.GetDirectoryName(TestData.Shared(TestApp)))!;
            string folder = Path.Combine(dir, "test_app.pdb", key);
            Directory.CreateDirectory(folder);
            var lines = File.ReadAllLines(TestData.Shared(TestApp));
            lines[0] = lines[0].Replace(key, "00000000000000000000000000000000" + "1");
            File.WriteAllLines(Path.Combine(folder, "test_app.sym"), lines);

            using var target = TargetLoader.Open(TestData.Shared(DumpFile));
            var session = new DebugSession(target, dir);
            string text = Run.Text(target, "!sym noisy; .reload /f test_app.exe", session);
            Assert.Contains($"MODULE id 000000000000000000000000000000001 does not match the image's {key}; ignored", text);
            Assert.IsNotType<BreakpadSymbolSource>(session.SymbolTable.Find("test_app")!.Source);
        }
        finally { Directory.Delete(dir, true); }
    }
}
