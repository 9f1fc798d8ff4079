using System.Collections.Concurrent;
using System.Text.Json;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Isf;

/// <summary>
/// The oracle: each ISF file decompressed by the system's <c>xz</c> tool and parsed with
/// <see cref="JsonDocument"/> — no ntdbg code involved — cached per file for the test run.
/// </summary>
internal static class IsfRawJson
{
    public const string Folder = "kernel/isf/windows/ntkrnlmp.pdb";
    private static readonly ConcurrentDictionary<string, Lazy<JsonDocument>> Cache = new();

    public static IEnumerable<object[]> Files()
    {
        var root = TestData.SharedRoot;
        if (root == null || !Directory.Exists(Path.Combine(root, Folder))) return [["(absent)"]];
        return Directory.GetFiles(Path.Combine(root, Folder), "*.json.xz").Order().Select(f => new object[] { Path.GetFileName(f) });
    }

    public static string PathOf(string fileName) => TestData.Shared(Path.Combine(Folder, fileName));

    public static JsonElement Root(string fileName) =>
        Cache.GetOrAdd(fileName, f => new Lazy<JsonDocument>(() => Load(PathOf(f)))).Value.RootElement;

    private static JsonDocument Load(string path)
    {
        Assert.True(Tools.Find("xz") != null, "the xz tool is needed for the independent decompression");
        var psi = new System.Diagnostics.ProcessStartInfo("xz") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-dc");
        psi.ArgumentList.Add(path);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var bytes = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(bytes);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return JsonDocument.Parse(bytes.ToArray(), new JsonDocumentOptions { MaxDepth = 256 });
    }
}
