using System.IO.Compression;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Fixtures;

/// <summary>
/// Paths of the committed fixture files (fixtures/out/, see fixtures/README.md). The
/// private-memory dumps are committed gzip-compressed (mostly zero pages: ~12 MB raw, ~0.4 MB
/// packed); <see cref="PrivateDump"/> unpacks one next to its .gz (git-ignored) on first use.
/// </summary>
public static class FixtureFiles
{
    private static readonly object UnpackLock = new();

    public static string Out(string file) => TestData.Repo($"fixtures/out/{file}");

    /// <summary>fixtures/out/&lt;program&gt;-&lt;arch&gt;-private.dmp, unpacked from its .gz when missing or stale.</summary>
    public static string PrivateDump(string programAndArch)
    {
        string packed = Out($"{programAndArch}-private.dmp.gz"), dump = Out($"{programAndArch}-private.dmp");
        if (!File.Exists(packed)) throw new FileNotFoundException($"{packed} is missing: run fixtures/generate.sh", packed);
        lock (UnpackLock)
        {
            if (File.Exists(dump) && File.GetLastWriteTimeUtc(dump) >= File.GetLastWriteTimeUtc(packed)) return dump;
            string temporary = $"{dump}.{Environment.ProcessId}.tmp";
            using (var input = new GZipStream(File.OpenRead(packed), CompressionMode.Decompress))
            using (var output = File.Create(temporary))
                input.CopyTo(output);
            File.Move(temporary, dump, overwrite: true);
            return dump;
        }
    }
}
