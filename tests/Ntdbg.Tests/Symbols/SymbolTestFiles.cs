using Ntdbg.Symbols.Locators;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Symbols;

/// <summary>The three files of ../shared/testdata/kernel/symstore and their keys, computed from the files themselves.</summary>
public static class SymbolTestFiles
{
    public const string StoreDir = "kernel/symstore";
    public const string AmdppmPdbRelative = "kernel/symstore/amdppm.pdb/1C19FDDB27BB3399D9B45973EFEAFCF31/amdppm.pdb";
    public static readonly Guid AmdppmGuid = Guid.Parse("1C19FDDB-27BB-3399-D9B4-5973EFEAFCF3");

    public static string Store => TestData.Shared(StoreDir);

    public static SymbolKey AmdppmPdb => SymbolKey.ForPdb("amdppm.pdb", AmdppmGuid, 1);

    /// <summary>The image key read from the PE headers (TimeDateStamp, SizeOfImage), independent of ntdbg's PE reader.</summary>
    public static SymbolKey ImageKey(string name)
    {
        var file = FindFile(name);
        var bytes = File.ReadAllBytes(file);
        int pe = BitConverter.ToInt32(bytes, 0x3C);
        uint stamp = BitConverter.ToUInt32(bytes, pe + 8);
        uint size = BitConverter.ToUInt32(bytes, pe + 24 + 56);
        return SymbolKey.ForImage(name, stamp, size);
    }

    /// <summary>The only file named <paramref name="name"/> in the shared store.</summary>
    public static string FindFile(string name) =>
        Directory.EnumerateFiles(Store, name, SearchOption.AllDirectories).Single();

    /// <summary>Files in a cache other than the negative-cache list (which is allowed to remember misses).</summary>
    public static string[] CachedFiles(string cache) =>
        Directory.Exists(cache)
            ? Directory.EnumerateFiles(cache, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != NegativeCache.FileName).ToArray()
            : [];

    public static SymbolServerOptions FastOptions() => new()
    {
        MaxRetries = 2,
        RetryBaseDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };
}
