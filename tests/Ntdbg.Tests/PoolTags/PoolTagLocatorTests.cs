using Ntdbg.Core.IO;
using Ntdbg.Formats.PoolTags;

namespace Ntdbg.Tests.PoolTags;

/// <summary>The search order: option, NTDBG_POOLTAG, symbol-path folders' triage/, the debugger's triage/.</summary>
public sealed class PoolTagLocatorTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pooltag-locator-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed class FakeEnvironment(Dictionary<string, string> variables, string symbolPath, string debuggerDirectory) : IEnvironment
    {
        public string? GetVariable(string name) => variables.GetValueOrDefault(name);
        // The session's own parser gives the folders, as PoolTagDescriptions does.
        public IReadOnlyList<string> SymbolFolders => [.. Ntdbg.Symbols.Locators.SymbolPath.Parse(symbolPath).LocalFolders()];
        public string DebuggerDirectory => debuggerDirectory;
    }

    private string Place(params string[] parts)
    {
        string path = Path.Combine([_root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "Test - test.sys - test\n");
        return path;
    }

    private string Dir(string name) => Path.Combine(_root, name);

    private FakeEnvironment Env(string? variable = null) => new(
        variable == null ? [] : new() { [PoolTagLocator.EnvironmentVariable] = variable },
        $"srv*{Dir("cache")}*https://msdl.microsoft.com/download/symbols;{Dir("syms")}",
        Dir("debugger"));

    [Fact]
    public void EachPlaceIsUsedOnlyWhenTheEarlierOnesHaveNoFile()
    {
        string debugger = Place("debugger", "triage", "pooltag.txt");
        Assert.Equal(debugger, PoolTagLocator.Find(null, Env()).Path);

        string syms = Place("syms", "triage", "pooltag.txt");
        Assert.Equal(syms, PoolTagLocator.Find(null, Env()).Path);

        string cache = Place("cache", "triage", "pooltag.txt");
        Assert.Equal(cache, PoolTagLocator.Find(null, Env()).Path);

        string fromEnv = Place("env", "pooltag.txt");
        Assert.Equal(fromEnv, PoolTagLocator.Find(null, Env(fromEnv)).Path);

        string option = Place("option", "tags.txt");
        Assert.Equal(option, PoolTagLocator.Find(option, Env(fromEnv)).Path);
    }

    [Fact]
    public void NothingFoundListsEveryPlaceTriedInOrder()
    {
        string option = Dir("missing.txt"), fromEnv = Dir("missing-env.txt");
        var found = PoolTagLocator.Find(option, Env(fromEnv));

        Assert.Null(found.Path);
        Assert.Equal(
            [option, fromEnv,
             Path.Combine(Dir("cache"), "triage", "pooltag.txt"),
             Path.Combine(Dir("syms"), "triage", "pooltag.txt"),
             Path.Combine(Dir("debugger"), "triage", "pooltag.txt")],
            found.Tried);
    }

    [Fact]
    public void FoundFileLoads()
    {
        string path = Place("option", "tags.txt");
        var db = PoolTagDatabase.Load(PoolTagLocator.Find(path, Env()).Path!);
        Assert.Equal("test , Binary: test.sys", db.Describe("Test"));
    }
}
