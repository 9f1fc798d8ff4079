namespace Ntdbg.Commands.Commands.Modules;

public sealed record ModuleRow(
    string Name,
    ulong Base,
    ulong End,
    string SymbolStatus,
    string ImagePath,
    uint TimeDateStamp,
    uint CheckSum,
    string? FileVersion,
    string? ProductVersion,
    string? PdbPath,
    string? PdbKey,
    Targets.Model.FileVersionInfo? Version);

public sealed record UnloadedModuleRow(string ImageName, ulong Base, ulong End, uint TimeDateStamp);

/// <summary>What `lm` shows: the modules that matched, optionally verbose, and the unloaded list.</summary>
public sealed record ModuleListResult(
    int PointerSize,
    bool Verbose,
    bool FullPath,
    bool NamesOnly,
    IReadOnlyList<ModuleRow> Modules,
    IReadOnlyList<UnloadedModuleRow>? Unloaded);
