namespace Ntdbg.Commands.Commands.Reload;

/// <summary>One module's state after .reload: "deferred", "unloaded", a symbol kind with its file, or "no symbols" with why.</summary>
public sealed record ReloadRow(string Module, string Status, string? SymbolFile, string? Error);

public sealed record ReloadResult(bool Loaded, bool Unloaded, IReadOnlyList<ReloadRow> Modules);
