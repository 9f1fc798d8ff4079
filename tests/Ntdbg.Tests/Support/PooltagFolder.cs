using Ntdbg.Formats.PoolTags;

namespace Ntdbg.Tests.Support;

/// <summary>
/// A temporary folder holding a copy of the shared pooltag.txt where the debugger looks for it
/// (triage/pooltag.txt under a local folder of the symbol path); deleted on dispose. The file is
/// Microsoft's and never committed, so tests copy it from ../shared at run time.
/// </summary>
public sealed class PooltagFolder : IDisposable
{
    public const string Shared = "pool/pooltag.txt";

    public PooltagFolder()
    {
        Path = Directory.CreateTempSubdirectory("ntdbg-pooltag-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "triage"));
        File.Copy(TestData.Shared(Shared), FilePath);
    }

    /// <summary>The folder to add to a symbol path.</summary>
    public string Path { get; }

    public string FilePath => System.IO.Path.Combine(Path, "triage", "pooltag.txt");

    /// <summary>The same file read by the product's parser, for expected descriptions.</summary>
    public PoolTagDatabase Database => PoolTagDatabase.Load(FilePath);

    /// <summary>A folder when the shared file is there, else null (tests then expect no descriptions).</summary>
    public static PooltagFolder? IfShared() => File.Exists(TestData.Shared(Shared)) ? new PooltagFolder() : null;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
