namespace Ntdbg.Core.IO;

/// <summary>
/// What a file locator may ask of the process it runs in: environment variables, the symbol path
/// and the debugger's own folder. An interface so tests can pin all three without touching the
/// real environment.
/// </summary>
public interface IEnvironment
{
    string? GetVariable(string name);

    /// <summary>The symbol path's local folders (plain folders and the caches of `srv*`/`cache*` elements), in path order; the caller parses the path.</summary>
    IReadOnlyList<string> SymbolFolders { get; }

    /// <summary>The folder the debugger runs from (WinDbg keeps triage/ beside itself).</summary>
    string DebuggerDirectory { get; }
}

/// <summary>The real process environment, with the local folders of the session's symbol path.</summary>
public sealed class ProcessEnvironment(IEnumerable<string> symbolFolders) : IEnvironment
{
    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

    public IReadOnlyList<string> SymbolFolders { get; } = [.. symbolFolders];

    public string DebuggerDirectory => AppContext.BaseDirectory;
}
