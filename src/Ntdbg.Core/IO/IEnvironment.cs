namespace Ntdbg.Core.IO;

/// <summary>
/// What a file locator may ask of the process it runs in: environment variables, the symbol path
/// and the debugger's own folder. An interface so tests can pin all three without touching the
/// real environment.
/// </summary>
public interface IEnvironment
{
    string? GetVariable(string name);

    /// <summary>The raw symbol path (e.g. `srv*c:\cache*https://...;d:\syms`), empty when none.</summary>
    string SymbolPath { get; }

    /// <summary>The folder the debugger runs from (WinDbg keeps triage/ beside itself).</summary>
    string DebuggerDirectory { get; }
}

/// <summary>The real process environment: `_NT_ALT_SYMBOL_PATH` then `_NT_SYMBOL_PATH`, as the debugger combines them.</summary>
public sealed class ProcessEnvironment(string? symbolPath = null) : IEnvironment
{
    public string? GetVariable(string name) => Environment.GetEnvironmentVariable(name);

    public string SymbolPath { get; } = symbolPath ?? string.Join(';',
        new[] { "_NT_ALT_SYMBOL_PATH", "_NT_SYMBOL_PATH" }
            .Select(Environment.GetEnvironmentVariable)
            .Where(v => !string.IsNullOrEmpty(v)));

    public string DebuggerDirectory => AppContext.BaseDirectory;
}
