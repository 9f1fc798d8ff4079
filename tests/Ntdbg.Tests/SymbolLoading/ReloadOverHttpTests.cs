using System.Text;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Loading;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;
using Ntdbg.Tests.Symbols;

namespace Ntdbg.Tests.SymbolLoading;

/// <summary>
/// `.reload` on the real triage dump against ../shared/testdata/kernel/symstore served over
/// loopback HTTP: amdppm.sys is found by its image key (the dump holds no amdppm header), its
/// CodeView names amdppm.pdb, both land in the cache, and a second session with the server
/// gone loads the same from the cache alone. Broken servers leave the cache clean.
/// </summary>
public sealed class ReloadOverHttpTests : IDisposable
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    private static DebugSession Session(ITarget target, string symbolPath) =>
        new(target, symbolPath, SymbolTestFiles.FastOptions());

    private static string AmdppmPdbInCache(string cache) =>
        Path.Combine(cache, "amdppm.pdb", "1C19FDDB27BB3399D9B45973EFEAFCF31", "amdppm.pdb");

    private static void AssertAmdppmLoadedFrom(DebugSession session, string cache, string lmText)
    {
        var amdppm = session.SymbolTable.Find("amdppm")!;
        Assert.Equal(SymbolStatus.Loaded, amdppm.Status);
        var pdb = Assert.IsType<Ntdbg.Symbols.Pdb.PdbSymbolSource>(amdppm.Source);
        Assert.Equal(Path.GetFullPath(AmdppmPdbInCache(cache)), Path.GetFullPath(pdb.FilePath));
        Assert.Equal(SymbolTestFiles.AmdppmGuid, pdb.Pdb.Info.Guid);
        Assert.Equal(1u, pdb.Pdb.Dbi.Age);
        Assert.Equal(SymbolTestFiles.AmdppmGuid, amdppm.LastLoad!.CodeView!.Guid);
        // The image came from the store too (its key is TimeDateStamp+SizeOfImage of the dump's module record).
        var key = SymbolTestFiles.ImageKey("amdppm.sys");
        Assert.Equal(Path.GetFullPath(Path.Combine(cache, key.FileName, key.Index, key.FileName)), Path.GetFullPath(amdppm.LastLoad.ImagePath!), ignoreCase: true);
        Assert.Contains("amdppm     (pdb symbols)          " + pdb.FilePath, lmText);
        // The symbols answer: every public of the PDB is reachable by name at base + RVA.
        Assert.True(session.SymbolTable.TryResolve("amdppm!DriverEntry", out ulong entry));
        Assert.Equal(amdppm.Module.Base + pdb.FindByName("DriverEntry")[0].Rva, entry);
    }

    [SharedDataFact(DumpPath)]
    public void ReloadFindsTheImageAndPdbCachesThemAndWorksOfflineAfterwards()
    {
        var cache = _temp.New("reload-cache");
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        using (var server = new LoopbackSymbolServer(SymbolTestFiles.Store))
        {
            var session = Session(target, $"srv*{cache}*{server.Url}");
            string text = Run.Text(target, ".reload /f amdppm; lm m amdppm", session);
            Assert.Contains("amdppm       (pdb symbols) ", text);
            AssertAmdppmLoadedFrom(session, cache, text);
            Assert.True(server.CountFor("amdppm.pdb") >= 1 && server.CountFor("amdppm.sys") >= 1);
        }
        Assert.True(File.Exists(AmdppmPdbInCache(cache)));
        Assert.Equal(File.ReadAllBytes(SymbolTestFiles.FindFile("amdppm.pdb")), File.ReadAllBytes(AmdppmPdbInCache(cache)));

        // Second run: the server is gone; the cache answers alone.
        using var offline = new LoopbackSymbolServer(null);
        var again = Session(target, $"srv*{cache}*{offline.Url}");
        string second = Run.Text(target, ".reload /f amdppm; lm m amdppm", again);
        AssertAmdppmLoadedFrom(again, cache, second);
        Assert.Equal(0, offline.RequestCount);
    }

    [SharedDataFact(DumpPath)]
    public void ReloadOverwriteDownloadsAgainOverADamagedCacheCopy()
    {
        var cache = _temp.New("refresh-cache");
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        using var server = new LoopbackSymbolServer(SymbolTestFiles.Store);
        var session = Session(target, $"srv*{cache}*{server.Url}");
        Run.Text(target, ".reload /f amdppm", session);
        string cached = AmdppmPdbInCache(cache);
        var original = File.ReadAllBytes(cached);

        // Damage the cached PDB: /f trusts the cache and fails; /o goes back to the server.
        var damaged = (byte[])original.Clone();
        Array.Clear(damaged, 0x20, 0x40);
        File.WriteAllBytes(cached, damaged);
        int before = server.CountFor("amdppm.pdb");
        Assert.StartsWith("*** ERROR: Symbols could not be loaded for amdppm", Run.Text(target, ".reload /f amdppm", session));
        Assert.Equal(before, server.CountFor("amdppm.pdb"));

        string text = Run.Text(target, ".reload /o amdppm; lm m amdppm", session);
        Assert.True(server.CountFor("amdppm.pdb") > before);
        AssertAmdppmLoadedFrom(session, cache, text);
        Assert.Equal(original, File.ReadAllBytes(cached));
        Assert.False(session.Symbols.Options.RefreshCache);
    }

    [SharedDataFact(DumpPath)]
    public void CompressedAndFilePtrStoresServeTheSameFiles()
    {
        if (Tools.Find("gcab") == null) Assert.Fail("gcab is needed to build the compressed store (.ci/install-deps.sh installs it)");
        var root = _temp.New("cab-root");
        foreach (var name in new[] { "amdppm.pdb", "amdppm.sys" })
        {
            var original = SymbolTestFiles.FindFile(name);
            var dir = Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, Path.GetRelativePath(SymbolTestFiles.Store, original)))!).FullName;
            File.Copy(original, Path.Combine(dir, name));
            var psi = new System.Diagnostics.ProcessStartInfo(Tools.Find("gcab")!) { WorkingDirectory = dir, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in new[] { "-c", "-z", "-n", name[..^1] + "_", name }) psi.ArgumentList.Add(a);
            using (var p = System.Diagnostics.Process.Start(psi)!) { p.WaitForExit(); Assert.Equal(0, p.ExitCode); }
            File.Delete(Path.Combine(dir, name)); // only the `_` file is served
        }
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var cache = _temp.New("cab-cache");
        using (var server = new LoopbackSymbolServer(root))
        {
            var session = Session(target, $"srv*{cache}*{server.Url}");
            AssertAmdppmLoadedFrom(session, cache, Run.Text(target, ".reload /f amdppm; lm m amdppm", session));
            Assert.True(server.CountFor(".pd_") >= 1);
        }

        // file.ptr: the server answers with a pointer to the real file.
        var ptrRoot = _temp.New("ptr-root");
        foreach (var name in new[] { "amdppm.pdb", "amdppm.sys" })
        {
            var original = SymbolTestFiles.FindFile(name);
            var dir = Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(ptrRoot, Path.GetRelativePath(SymbolTestFiles.Store, original)))!).FullName;
            File.WriteAllText(Path.Combine(dir, "file.ptr"), "PATH:" + original);
        }
        var ptrCache = _temp.New("ptr-cache");
        using (var server = new LoopbackSymbolServer(ptrRoot))
        {
            var session = Session(target, $"srv*{ptrCache}*{server.Url}");
            Run.Text(target, ".reload /f amdppm", session);
            var amdppm = session.SymbolTable.Find("amdppm")!;
            var pdb = Assert.IsType<Ntdbg.Symbols.Pdb.PdbSymbolSource>(amdppm.Source);
            Assert.Equal(SymbolTestFiles.AmdppmGuid, pdb.Pdb.Info.Guid);
            Assert.True(server.CountFor("file.ptr") >= 1);
        }
    }

    public static TheoryData<string> BrokenServers() => ["404", "500", "redirect-loop", "truncated", "garbage"];

    [SharedDataTheory]
    [MemberData(nameof(BrokenServers))]
    public void BrokenServersLeaveTheCacheCleanAndSayWhyInOneLine(string failure)
    {
        var cache = _temp.New("broken-" + failure);
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        using var server = new LoopbackSymbolServer(SymbolTestFiles.Store);
        var real = File.ReadAllBytes(SymbolTestFiles.FindFile("amdppm.sys"));
        server.Override = (ctx, path) =>
        {
            switch (failure)
            {
                case "404": LoopbackSymbolServer.Status(ctx, 404); return true;
                case "500": LoopbackSymbolServer.Status(ctx, 500); return true;
                case "redirect-loop":
                    ctx.Response.StatusCode = 302;
                    ctx.Response.RedirectLocation = "/" + path;
                    ctx.Response.Close();
                    return true;
                case "truncated":
                    // Announce the whole file, send half, then drop the connection.
                    ctx.Response.ContentLength64 = real.Length;
                    ctx.Response.OutputStream.Write(real, 0, real.Length / 2);
                    ctx.Response.Abort();
                    return true;
                default:
                    LoopbackSymbolServer.Body(ctx, Encoding.ASCII.GetBytes("<html>not a symbol file</html>"));
                    return true;
            }
        };
        var session = Session(target, $"srv*{cache}*{server.Url}");
        string text = Run.Text(target, ".reload /f amdppm", session);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("*** ERROR: Symbols could not be loaded for amdppm", line);
        Assert.Contains("amdppm.sys", line); // names what was looked for and why it failed
        Assert.Equal(SymbolStatus.None, session.SymbolTable.Find("amdppm")!.Status);
        Assert.Empty(SymbolTestFiles.CachedFiles(cache));
    }
}
