using Ntdbg.Analyses.Pool;
using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Commands.Pool.FindTag;

/// <summary>
/// Runs `ntdbg pool findtag`: the tag over every loaded module's image in the session's dump
/// (when there is one) and over the image files under a folder (when given).
/// </summary>
public static class PoolFindTag
{
    public static PoolFindTagResult Run(PoolTagPattern tag, DebugSession? session, string? directory)
    {
        var inDump = session != null ? InDump(session, tag) : null;
        var onDisk = directory != null ? PoolTagFinder.FindInDirectory(directory, tag) : null;
        return new PoolFindTagResult(tag.Text, tag.Value, session?.Target.Path, inDump, directory, onDisk, session?.PointerSize ?? 8);
    }

    /// <summary>
    /// Reads the dump's own memory, not the session's view that fills holes from image files the
    /// symbol path holds: a page the dump lacks is reported missing, and a hit "in the dump" is one.
    /// </summary>
    public static PoolTagResult InDump(DebugSession session, PoolTagPattern tag) =>
        PoolTagDumpFinder.Find(session.ProcessMemory, session.SymbolTable, tag);
}
