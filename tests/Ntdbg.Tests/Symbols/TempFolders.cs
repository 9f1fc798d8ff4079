namespace Ntdbg.Tests.Symbols;

/// <summary>Fresh folders under the temp folder for one test, deleted when the test class is disposed.</summary>
public sealed class TempFolders : IDisposable
{
    private readonly List<string> _dirs = [];

    public string New(string tag)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ntdbg-symtest-{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        lock (_dirs) _dirs.Add(dir);
        return dir;
    }

    public void Dispose()
    {
        lock (_dirs)
            foreach (var d in _dirs)
                try { Directory.Delete(d, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
