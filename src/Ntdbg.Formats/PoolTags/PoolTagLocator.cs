using Ntdbg.Core.IO;

namespace Ntdbg.Formats.PoolTags;

/// <summary>Where pooltag.txt was found (null when nowhere), and every place looked, for the error message.</summary>
public sealed record PoolTagLocation(string? Path, IReadOnlyList<string> Tried);

/// <summary>
/// Finds pooltag.txt. The project never ships Microsoft's file, so it must come from the user:
/// an explicit path, then `NTDBG_POOLTAG`, then triage/pooltag.txt in each local folder of the
/// symbol path (where a debugger install is often reachable) and beside the debugger, where
/// WinDbg itself keeps it.
/// </summary>
public static class PoolTagLocator
{
    public const string EnvironmentVariable = "NTDBG_POOLTAG";
    public const string FileName = "pooltag.txt";
    public const string TriageFolder = "triage";

    public static PoolTagLocation Find(string? option, IEnvironment environment)
    {
        var tried = new List<string>();
        foreach (var candidate in Candidates(option, environment))
        {
            tried.Add(candidate);
            if (File.Exists(candidate)) return new PoolTagLocation(candidate, tried);
        }
        return new PoolTagLocation(null, tried);
    }

    private static IEnumerable<string> Candidates(string? option, IEnvironment environment)
    {
        if (!string.IsNullOrEmpty(option)) yield return option;
        if (environment.GetVariable(EnvironmentVariable) is { Length: > 0 } fromEnv) yield return fromEnv;
        foreach (var folder in environment.SymbolFolders)
            yield return Path.Combine(folder, TriageFolder, FileName);
        yield return Path.Combine(environment.DebuggerDirectory, TriageFolder, FileName);
    }
}
