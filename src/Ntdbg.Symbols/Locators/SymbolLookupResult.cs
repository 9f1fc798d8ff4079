namespace Ntdbg.Symbols.Locators;

/// <summary>
/// What a lookup produced: a status, the local path when found, one line for the user, and the
/// attempts made (for `!sym noisy`).
/// </summary>
public sealed record SymbolLookupResult(SymbolKey Key, SymbolLookupStatus Status, string? Path, string Message, IReadOnlyList<string> Attempts)
{
    public bool Found => Status == SymbolLookupStatus.Found;

    public static SymbolLookupResult Hit(SymbolKey key, string path, SymbolLog log) =>
        new(key, SymbolLookupStatus.Found, path, $"{key.FileName}: found {path}", log.Lines);

    public static SymbolLookupResult Miss(SymbolKey key, SymbolLookupStatus status, string message, SymbolLog log) =>
        new(key, status, null, $"{key.FileName}: {message}", log.Lines);
}
