namespace Ntdbg.Symbols.Locators;

/// <summary>
/// A plain folder of the symbol path: the debugger looks for `dir/name`, `dir/ext/name`,
/// `dir/symbols/ext/name`, then a store layout inside the folder.
/// </summary>
public sealed class DirectoryLocator(string folder) : ISymbolLocator
{
    public string Folder { get; } = folder;

    public string Description => Folder;

    public Task<SymbolLookupResult> FindAsync(SymbolKey key, SymbolLog log, CancellationToken cancel = default)
    {
        if (!Directory.Exists(Folder))
        {
            log.Add($"DBGHELP: {Folder} - folder does not exist");
            return Task.FromResult(SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, $"folder {Folder} does not exist", log));
        }
        string ext = Path.GetExtension(key.FileName).TrimStart('.');
        string[][] flatCandidates = ext.Length > 0
            ? [[key.FileName], [ext, key.FileName], ["symbols", ext, key.FileName]]
            : [[key.FileName]];
        foreach (var components in flatCandidates)
        {
            var path = StoreLayout.ResolveIgnoringCase(Folder, components);
            if (path != null && File.Exists(path))
            {
                // A flat file carries no index; the caller checks the GUID/age or timestamp/size.
                log.Add($"DBGHELP: {path} - found (flat; caller checks the signature)");
                return Task.FromResult(SymbolLookupResult.Hit(key, path, log));
            }
            log.Add($"DBGHELP: {Path.Combine([Folder, .. components])} - file not found");
        }
        return Task.FromResult(new FileCacheLocator(Folder).Find(key, log));
    }
}
