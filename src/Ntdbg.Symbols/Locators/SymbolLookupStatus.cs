namespace Ntdbg.Symbols.Locators;

/// <summary>Outcome of a lookup, most useful first when several places were asked.</summary>
public enum SymbolLookupStatus
{
    Found,
    /// <summary>Nobody has it (404, missing folder entry, remembered miss).</summary>
    NotFound,
    /// <summary>The network is switched off and no cache had it.</summary>
    Offline,
    /// <summary>A server failed (5xx after retries, timeout, connection refused, redirect loop).</summary>
    ServerError,
    /// <summary>The response was not what it claimed (truncated body, not a cabinet, not a PDB/image).</summary>
    Corrupt,
    /// <summary>A file.ptr answered with a message instead of a file (MSG:...).</summary>
    Message,
}
