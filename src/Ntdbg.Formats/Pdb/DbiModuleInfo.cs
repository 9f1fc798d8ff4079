namespace Ntdbg.Formats.Pdb;

/// <summary>One module (object file or import library member) of the DBI module list.</summary>
public sealed record DbiModuleInfo(
    int Index,
    string ModuleName,
    string ObjectName,
    /// <summary>Stream holding the module's symbols and line info (0xFFFF when none).</summary>
    ushort SymbolStream,
    uint SymbolBytes,
    uint C11LineBytes,
    uint C13LineBytes,
    ushort SourceFileCount,
    ushort Flags,
    /// <summary>The module's first section contribution (section, offset, size).</summary>
    ushort ContributionSection,
    int ContributionOffset,
    int ContributionSize)
{
    public bool HasSymbolStream => SymbolStream != 0xFFFF;
}
