using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Model;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Isf;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.SymbolLoading;

/// <summary>Symbol loading from plain folders: ISF tables for the kernel, PDBs by CodeView, exports as the fallback.</summary>
public sealed class LocalPathLoadTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private const string Table19041 = "5278AFF86C341677D7D7835C85B7B844-1.json.xz";

    [SharedDataFact(DumpPath)]
    public void IsfFolderGivesNtSymbolsWithoutAnythingAttached()
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var session = new DebugSession(target, TestData.Shared("kernel/isf"));
        Assert.Equal(SymbolStatus.Deferred, session.SymbolTable.Find("nt")!.Status);
        string text = Run.Text(target, "x nt!KeBugCheckEx; lm m nt", session);
        var nt = session.SymbolTable.Find("nt")!;
        Assert.Equal(SymbolStatus.Loaded, nt.Status);
        Assert.Equal(SymbolSourceKind.Isf, nt.Source!.Kind);
        Assert.Equal(Table19041, Path.GetFileName(nt.Source.FilePath));
        Assert.Contains("nt         (isf symbols)          " + nt.Source.FilePath, text);

        // The address printed is the table's RVA (read independently) plus the dump's kernel base.
        uint rva = IsfRawJson.Root(Table19041).GetProperty("symbols").GetProperty("KeBugCheckEx").GetProperty("address").GetUInt32();
        ulong expected = ((IKernelTarget)target).KernelBase + rva;
        Assert.Contains($"{expected >> 32:x8}`{expected & 0xffffffff:x8} nt!KeBugCheckEx", text);
    }

    [SharedDataFact(DumpPath)]
    public void NoisyModeShowsWhereItLookedAndReloadDefersAgain()
    {
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var session = new DebugSession(target, TestData.Shared("kernel/isf"));
        string text = Run.Text(target, "!sym noisy; .reload /f nt", session);
        Assert.Contains("agrees with the dump's PsLoadedModuleList", text);
        Assert.Matches(new Regex(@"rejected|no ISF|not found", RegexOptions.IgnoreCase), text);
        Run.Text(target, ".reload", session);
        Assert.All(session.SymbolTable.Modules, m => Assert.Equal(SymbolStatus.Deferred, m.Status));
        Assert.Contains("(deferred)", Run.Text(target, "lm m nt", session));
    }

    [Fact]
    public void UserDumpLoadsItsPdbByCodeViewFromAPlainFolder()
    {
        using var target = TargetLoader.Open(FixtureFiles.Out("crash-x64.dmp"));
        var session = new DebugSession(target, TestData.Repo("fixtures/out"));
        string text = Run.Text(target, ".reload /f crash_x64; !lmi crash_x64", session);
        var m = session.SymbolTable.Find("crash_x64")!;
        var pdb = Assert.IsType<Ntdbg.Symbols.Pdb.PdbSymbolSource>(m.Source);
        Assert.Equal(m.Module.CodeView!.Guid, pdb.Pdb.Info.Guid);
        Assert.EndsWith("crash-x64.pdb", pdb.FilePath);
        Assert.Contains("Symbol Type: PDB SYMBOLS", text.Replace("PRIVATE ", ""));
        Assert.Contains($"GUID: {{{m.Module.CodeView.Guid.ToString().ToUpperInvariant()}}}", text);
    }

    [Fact]
    public void CorruptPdbInThePathIsReportedAndSkipped()
    {
        var dir = Directory.CreateTempSubdirectory("ntdbg-corrupt-pdb").FullName;
        try
        {
            var bytes = File.ReadAllBytes(FixtureFiles.Out("crash-x64.pdb"));
            Array.Clear(bytes, 0x20, 0x40); // the superblock's block size, counts and directory map
            File.WriteAllBytes(Path.Combine(dir, "crash-x64.pdb"), bytes);
            using var target = TargetLoader.Open(FixtureFiles.Out("crash-x64.dmp"));
            var session = new DebugSession(target, dir);
            string text = Run.Text(target, ".reload /f crash_x64", session);
            Assert.StartsWith("*** ERROR: Symbols could not be loaded for crash_x64", text);
            Assert.Equal(SymbolStatus.None, session.SymbolTable.Find("crash_x64")!.Status);
        }
        finally { Directory.Delete(dir, true); }
    }

    [ToolFact("llvm-readobj", needsSharedData: false)]
    public void ImageWithoutPdbFallsBackToItsExports()
    {
        string dll = FixtureFiles.Out("plugin-x64.dll");
        using var target = TargetLoader.Open(dll);
        var session = new DebugSession(target, Path.GetTempPath() + "ntdbg-no-symbols-here");
        var module = session.SymbolTable.Modules.Single();
        var source = session.SymbolTable.EnsureLoaded(module);
        Assert.Equal(SymbolSourceKind.Exports, source!.Kind);
        Assert.Contains("(export symbols)", Run.Text(target, "lm", session));

        var readobj = Tools.Run("llvm-readobj", "--coff-exports", dll);
        var expected = Regex.Matches(readobj, @"Name: (\S+)\s+RVA: 0x([0-9A-Fa-f]+)")
            .Select(x => (x.Groups[1].Value, Convert.ToUInt32(x.Groups[2].Value, 16))).Order().ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, source.Symbols.Select(s => (s.Name, s.Rva)).Order().ToArray());
    }
}
