using Ntdbg.Tests.Support;
using System.Net;
using System.Text;
using Ntdbg.Symbols.Locators;
using Ntdbg.Synth.Cab;

namespace Ntdbg.Tests.Symbols;

/// <summary>The symbol-server client against a loopback server holding ../shared/testdata/kernel/symstore.</summary>
public class HttpSymbolServerTests : IDisposable
{
    private readonly TempFolders _temp = new();

    public void Dispose() => _temp.Dispose();

    private static SymbolKey[] AllKeys() =>
        [SymbolTestFiles.AmdppmPdb, SymbolTestFiles.ImageKey("amdppm.sys"), SymbolTestFiles.ImageKey("Wdf01000.sys")];

    private static SymbolLocatorChain Chain(string cache, string url, SymbolServerOptions options) =>
        new SymbolLocatorFactory(options).Create(SymbolPath.Parse($"srv*{cache}*{url}"));

    private static async Task AssertAllFoundAndCached(SymbolLocatorChain chain, string cache)
    {
        foreach (var key in AllKeys())
        {
            var result = await chain.FindAsync(key, new SymbolLog());
            Assert.True(result.Found, result.Message);
            Assert.StartsWith(cache, result.Path);
            Assert.Equal(File.ReadAllBytes(SymbolTestFiles.FindFile(key.FileName)), File.ReadAllBytes(result.Path!));
        }
        Assert.Equal(3, SymbolTestFiles.CachedFiles(cache).Length); // no temporary file left beside them
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task Downloads_pdb_and_images_then_a_second_run_is_fully_offline()
    {
        using var server = new LoopbackSymbolServer(SymbolTestFiles.Store);
        var cache = _temp.New("cache");
        await AssertAllFoundAndCached(Chain(cache, server.Url, SymbolTestFiles.FastOptions()), cache);
        Assert.Equal(3, server.RequestCount); // one GET each, the plain names exist
        Assert.True(File.Exists(Path.Combine(cache, "amdppm.pdb", "1C19FDDB27BB3399D9B45973EFEAFCF31", "amdppm.pdb")));

        // Second run, new chain: served from the cache with the switch off and with the server gone.
        var offline = SymbolTestFiles.FastOptions();
        offline.Offline = true;
        await AssertAllFoundAndCached(Chain(cache, server.Url, offline), cache);
        server.Stop();
        await AssertAllFoundAndCached(Chain(cache, server.Url, SymbolTestFiles.FastOptions()), cache);
        Assert.Equal(3, server.RequestCount);
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task Offline_switch_sends_nothing_and_says_so()
    {
        using var server = new LoopbackSymbolServer(SymbolTestFiles.Store);
        var cache = _temp.New("offline");
        var options = SymbolTestFiles.FastOptions();
        options.Offline = true;
        var result = await Chain(cache, server.Url, options).FindAsync(SymbolTestFiles.AmdppmPdb, new SymbolLog());
        Assert.Equal(SymbolLookupStatus.Offline, result.Status);
        Assert.Contains("offline", result.Message);
        Assert.Equal(0, server.RequestCount);
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task Compressed_files_from_cabinets_are_expanded_into_the_cache()
    {
        foreach (var encoding in new[] { CabBlockEncoding.MsZipIndependent, CabBlockEncoding.MsZipCrossBlock, CabBlockEncoding.Stored })
        {
            // A server that holds only name.pd_ / name.sy_ (as symstore /compress writes them).
            var root = _temp.New("cabroot");
            foreach (var key in AllKeys())
            {
                var dir = Directory.CreateDirectory(Path.Combine(root, key.FileName, key.Index)).FullName;
                var bytes = File.ReadAllBytes(SymbolTestFiles.FindFile(key.FileName));
                File.WriteAllBytes(Path.Combine(dir, key.CompressedFileName), new CabBuilder { Encoding = encoding }.Add(key.FileName, bytes).Build());
            }
            using var server = new LoopbackSymbolServer(root);
            var cache = _temp.New("cabcache");
            await AssertAllFoundAndCached(Chain(cache, server.Url, SymbolTestFiles.FastOptions()), cache);
            Assert.Equal(6, server.RequestCount); // 404 for the plain name, then the compressed one
            Assert.Equal(3, server.CountFor("_"));
        }
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task File_ptr_responses_are_followed_or_reported()
    {
        var root = _temp.New("ptrroot");
        var pdb = SymbolTestFiles.AmdppmPdb;
        var dir = Directory.CreateDirectory(Path.Combine(root, pdb.FileName, pdb.Index)).FullName;
        File.WriteAllText(Path.Combine(dir, "file.ptr"), "PATH:" + SymbolTestFiles.FindFile("amdppm.pdb"));
        var sys = SymbolTestFiles.ImageKey("amdppm.sys");
        var sysDir = Directory.CreateDirectory(Path.Combine(root, sys.FileName, sys.Index)).FullName;
        File.WriteAllText(Path.Combine(sysDir, "file.ptr"), "MSG: this file was withdrawn");

        using var server = new LoopbackSymbolServer(root);
        var cache = _temp.New("ptrcache");
        var chain = Chain(cache, server.Url, SymbolTestFiles.FastOptions());
        var found = await chain.FindAsync(pdb, new SymbolLog());
        Assert.True(found.Found, found.Message);
        Assert.StartsWith(cache, found.Path);
        Assert.Equal(File.ReadAllBytes(SymbolTestFiles.FindFile("amdppm.pdb")), File.ReadAllBytes(found.Path!));

        var message = await chain.FindAsync(sys, new SymbolLog());
        Assert.Equal(SymbolLookupStatus.Message, message.Status);
        Assert.Contains("this file was withdrawn", message.Message);
        Assert.Single(SymbolTestFiles.CachedFiles(cache));
    }

    public static TheoryData<string> Failures => ["404", "500", "redirect-loop", "redirect-chain", "truncated", "garbage-cab", "garbage-pdb", "timeout"];

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task A_failing_server_leaves_the_cache_clean_and_gives_one_line(string failure)
    {
        using var server = new LoopbackSymbolServer(null);
        var key = new SymbolKey("amdppm.pdb", "1C19FDDB27BB3399D9B45973EFEAFCF31");
        var pdbLike = Encoding.ASCII.GetBytes("Microsoft C/C++ MSF 7.00\r\n\x1a" + "DS" + new string('x', 5000));
        server.Override = (ctx, path) =>
        {
            switch (failure)
            {
                case "500": LoopbackSymbolServer.Status(ctx, 500); return true;
                case "redirect-loop":
                    ctx.Response.StatusCode = 302;
                    ctx.Response.RedirectLocation = path.EndsWith("/a") ? "/" + path[..^2] : "/" + path + "/a";
                    ctx.Response.Close();
                    return true;
                case "redirect-chain":
                    ctx.Response.StatusCode = 301;
                    ctx.Response.RedirectLocation = "/" + path + "/r";
                    ctx.Response.Close();
                    return true;
                case "truncated":
                    ctx.Response.ContentLength64 = pdbLike.Length;
                    ctx.Response.OutputStream.Write(pdbLike, 0, pdbLike.Length / 2);
                    ctx.Response.OutputStream.Flush();
                    ctx.Response.Abort();
                    return true;
                case "garbage-cab":
                    if (!path.EndsWith('_')) return false; // 404 for the plain name
                    LoopbackSymbolServer.Body(ctx, Encoding.ASCII.GetBytes("<html><body>Not a cabinet</body></html>"));
                    return true;
                case "garbage-pdb":
                    LoopbackSymbolServer.Body(ctx, Encoding.ASCII.GetBytes("<html><body>Login required</body></html>"));
                    return true;
                case "timeout":
                    Thread.Sleep(1500);
                    LoopbackSymbolServer.Status(ctx, 404);
                    return true;
                default: return false; // 404
            }
        };
        var cache = _temp.New("fail");
        var options = SymbolTestFiles.FastOptions();
        options.RequestTimeout = TimeSpan.FromMilliseconds(300);
        options.MaxRetries = 1;
        var started = DateTime.UtcNow;
        var result = await Chain(cache, server.Url, options).FindAsync(key, new SymbolLog());

        Assert.False(result.Found);
        Assert.Empty(SymbolTestFiles.CachedFiles(cache));
        Assert.DoesNotContain('\n', result.Message);
        Assert.StartsWith("amdppm.pdb: ", result.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "bounded");
        var expected = failure switch
        {
            "404" => (SymbolLookupStatus.NotFound, "not found"),
            "500" => (SymbolLookupStatus.ServerError, "HTTP 500"),
            "redirect-loop" => (SymbolLookupStatus.ServerError, "redirect loop"),
            "redirect-chain" => (SymbolLookupStatus.ServerError, "more than 10 redirects"),
            "truncated" => (SymbolLookupStatus.Corrupt, "truncated"),
            "garbage-cab" => (SymbolLookupStatus.Corrupt, "not a cabinet"),
            "garbage-pdb" => (SymbolLookupStatus.Corrupt, "not a PDB"),
            _ => (SymbolLookupStatus.ServerError, "timed out"),
        };
        Assert.Equal(expected.Item1, result.Status);
        Assert.Contains(expected.Item2, result.Message);
        Assert.NotEmpty(result.Attempts); // what !sym noisy shows
    }

    [Fact]
    public async Task Retries_on_5xx_are_bounded_with_backoff_and_recover()
    {
        using var server = new LoopbackSymbolServer(null);
        int failuresLeft = 2;
        var body = Encoding.ASCII.GetBytes("MZ" + new string('\0', 100));
        server.Override = (ctx, path) =>
        {
            if (path.StartsWith("always")) { LoopbackSymbolServer.Status(ctx, 503); return true; }
            if (Interlocked.Decrement(ref failuresLeft) >= 0) { LoopbackSymbolServer.Status(ctx, 502); return true; }
            LoopbackSymbolServer.Body(ctx, body);
            return true;
        };
        var cache = _temp.New("retry");
        var options = SymbolTestFiles.FastOptions();
        options.MaxRetries = 3;
        var chain = Chain(cache, server.Url, options);
        var recovered = await chain.FindAsync(new SymbolKey("x.sys", "12345678abc"), new SymbolLog());
        Assert.True(recovered.Found, recovered.Message);
        Assert.Equal(3, server.RequestCount);
        Assert.Contains(recovered.Attempts, a => a.Contains("retry 2 of 3"));

        var failed = await chain.FindAsync(new SymbolKey("always.sys", "12345678abc"), new SymbolLog());
        Assert.Equal(SymbolLookupStatus.ServerError, failed.Status);
        Assert.Equal(3 + 4, server.RequestCount); // 1 + MaxRetries, then it gives up
        Assert.Contains("gave up after 4 attempts", failed.Message);
        // Exponential backoff, capped: 5, 10, then 20 ms (the cap), never a fourth retry.
        Assert.Equal(["in 5 ms", "in 10 ms", "in 20 ms"],
            failed.Attempts.Where(a => a.Contains(": retry ")).Select(a => a[a.LastIndexOf(" in ")..].Trim()).ToArray());
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task Twenty_concurrent_lookups_of_one_key_make_one_request()
    {
        using var server = new LoopbackSymbolServer(SymbolTestFiles.Store) { Delay = TimeSpan.FromMilliseconds(300) };
        var cache = _temp.New("coalesce");
        var chain = Chain(cache, server.Url, SymbolTestFiles.FastOptions());
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => chain.FindAsync(SymbolTestFiles.AmdppmPdb, new SymbolLog()))));
        Assert.All(results, r => Assert.True(r.Found, r.Message));
        Assert.Single(results.Select(r => r.Path).Distinct());
        Assert.Equal(1, server.RequestCount);
        Assert.Single(SymbolTestFiles.CachedFiles(cache));
    }

    [Fact]
    public async Task A_404_is_remembered_for_the_session_and_on_disk()
    {
        using var server = new LoopbackSymbolServer(null);
        var cache = _temp.New("negative");
        var key = new SymbolKey("missing.pdb", "00112233445566778899AABBCCDDEEFF1");
        var first = await Chain(cache, server.Url, SymbolTestFiles.FastOptions()).FindAsync(key, new SymbolLog());
        Assert.Equal(SymbolLookupStatus.NotFound, first.Status);
        Assert.Equal(3, server.RequestCount); // plain, compressed, file.ptr

        var factory = new SymbolLocatorFactory(SymbolTestFiles.FastOptions());
        var chain = factory.Create(SymbolPath.Parse($"srv*{cache}*{server.Url}"));
        var second = await chain.FindAsync(key, new SymbolLog()); // a new run: read from the miss list
        Assert.Equal(SymbolLookupStatus.NotFound, second.Status);
        Assert.Contains(second.Attempts, a => a.Contains("remembered 404"));
        Assert.Equal(3, server.RequestCount);

        var expired = SymbolTestFiles.FastOptions();
        expired.NegativeCacheLifetime = TimeSpan.Zero;
        var other = new SymbolKey("other.pdb", "00112233445566778899AABBCCDDEEFF1");
        await Chain(cache, server.Url, expired).FindAsync(other, new SymbolLog());
        await Chain(cache, server.Url, expired).FindAsync(other, new SymbolLog());
        Assert.Equal(9, server.RequestCount); // a zero lifetime remembers nothing across runs
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task A_redirect_to_another_path_is_followed()
    {
        using var server = new LoopbackSymbolServer(SymbolTestFiles.Store);
        using var front = new LoopbackSymbolServer(null);
        front.Override = (ctx, path) =>
        {
            ctx.Response.StatusCode = (int)HttpStatusCode.Found;
            ctx.Response.RedirectLocation = server.Url + path;
            ctx.Response.Close();
            return true;
        };
        var cache = _temp.New("redirect");
        var result = await Chain(cache, front.Url, SymbolTestFiles.FastOptions()).FindAsync(SymbolTestFiles.AmdppmPdb, new SymbolLog());
        Assert.True(result.Found, result.Message);
        Assert.Equal(1, front.RequestCount);
        Assert.Equal(1, server.RequestCount);
    }

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public async Task While_a_download_is_under_way_the_cache_holds_no_file_under_the_key()
    {
        var original = File.ReadAllBytes(SymbolTestFiles.FindFile("amdppm.pdb"));
        using var release = new SemaphoreSlim(0);
        using var server = new LoopbackSymbolServer(null);
        server.Override = (ctx, path) =>
        {
            ctx.Response.ContentLength64 = original.Length;
            ctx.Response.OutputStream.Write(original, 0, original.Length / 2);
            ctx.Response.OutputStream.Flush();
            release.Wait(TimeSpan.FromSeconds(20));
            ctx.Response.OutputStream.Write(original, original.Length / 2, original.Length - original.Length / 2);
            ctx.Response.Close();
            return true;
        };
        var cache = _temp.New("atomic");
        var lookup = Chain(cache, server.Url, SymbolTestFiles.FastOptions()).FindAsync(SymbolTestFiles.AmdppmPdb, new SymbolLog());

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        string[] files;
        while ((files = SymbolTestFiles.CachedFiles(cache)).Length == 0 || new FileInfo(files[0]).Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the download never started");
            await Task.Delay(10);
        }
        var partial = Assert.Single(files);
        Assert.EndsWith(CacheWriter.TempSuffix, partial);
        Assert.False(Directory.Exists(Path.Combine(cache, "amdppm.pdb")));

        release.Release();
        var result = await lookup;
        Assert.True(result.Found, result.Message);
        Assert.Equal(original, File.ReadAllBytes(result.Path!));
        Assert.Equal([result.Path!], SymbolTestFiles.CachedFiles(cache));
    }
}
