using Ntdbg.Commands.Session;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Formats.PoolTags;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// The pooltag.txt database for a session: found once (NTDBG_POOLTAG, then triage/pooltag.txt in
/// the symbol path's local folders and beside ntdbg) and kept; null with a note when it is nowhere
/// or unreadable, so !poolused then says "UNKNOWN pooltag" for every tag as the debugger does.
/// </summary>
public static class PoolTagDescriptions
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DebugSession, PoolTagDatabase?> Loaded = new();

    public static PoolTagDatabase? For(DebugSession session, List<string> notes)
    {
        if (Loaded.TryGetValue(session, out var known)) return known;
        var where = PoolTagLocator.Find(null, new ProcessEnvironment(session.Symbols.Path.LocalFolders()));
        PoolTagDatabase? database = null;
        if (where.Path == null)
            notes.Add($"pooltag.txt not found (set {PoolTagLocator.EnvironmentVariable}; looked at {string.Join(", ", where.Tried)})");
        else
        {
            try
            {
                database = PoolTagDatabase.Load(where.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DumpFormatException)
            {
                notes.Add($"{where.Path}: {e.Message}");
            }
        }
        Loaded.AddOrUpdate(session, database);
        return database;
    }
}
