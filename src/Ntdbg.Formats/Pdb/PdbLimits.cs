namespace Ntdbg.Formats.Pdb;

/// <summary>Caps on counts read from PDB files (beyond the shared ones in Ntdbg.Core.Errors.Limits).</summary>
public static class PdbLimits
{
    /// <summary>Streams in the MSF directory (a large PDB has one per module plus a few dozen).</summary>
    public const int MaxStreams = 1_000_000;
    /// <summary>Type records in TPI or IPI.</summary>
    public const int MaxTypeRecords = 16_000_000;
    /// <summary>Modules in the DBI stream.</summary>
    public const int MaxModules = 1_000_000;
    /// <summary>Entries in one field list chain (LF_INDEX continuations included).</summary>
    public const int MaxFieldListMembers = 1_000_000;
    /// <summary>LF_INDEX continuations followed for one field list.</summary>
    public const int MaxFieldListContinuations = 65_536;
    /// <summary>Type references followed when resolving through modifiers, typedef-like chains and forward refs.</summary>
    public const int MaxTypeChain = 64;
    public const int MaxNamedStreams = 65_536;
    public const int MaxOmapEntries = 50_000_000;
}
