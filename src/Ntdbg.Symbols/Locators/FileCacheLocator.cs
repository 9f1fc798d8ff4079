namespace Ntdbg.Symbols.Locators;

/// <summary>
/// A local symbol store or cache (`name/index/name`, two-tier with index2.txt, compressed `_`
/// files, file.ptr redirects). Servers behind it store their downloads through <see cref="Writer"/>.
/// When <paramref name="copyTo"/> is given (a share used as a server tier), hits are copied there.
/// </summary>
public sealed class FileCacheLocator(string root, CacheWriter? copyTo = null, SymbolServerOptions? refreshedBy = null) : ISymbolLocator
{
    public string Root { get; } = root;
    public CacheWriter Writer { get; } = new(root);

    public string Description => Root;

    public Task<SymbolLookupResult> FindAsync(SymbolKey key, SymbolLog log, CancellationToken cancel = default) =>
        Task.FromResult(Find(key, log));

    public SymbolLookupResult Find(SymbolKey key, SymbolLog log)
    {
        if (refreshedBy?.RefreshCache == true)
        {
            log.Add($"SYMSRV:  {Root}: skipped, the cache is being refreshed (.reload /o)");
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, $"{Root} skipped (refreshing)", log);
        }
        var entry = StoreLayout.Find(Root, key, log);
        if (entry.File != null) return Deliver(key, entry.File, log, copy: copyTo != null);
        if (entry.CompressedFile != null) return Expand(key, entry.CompressedFile, log);
        if (entry.Pointer is { } ptr)
        {
            if (ptr.TargetPath == null) return SymbolLookupResult.Miss(key, SymbolLookupStatus.Message, $"{Root}: {ptr.Text}", log);
            if (File.Exists(ptr.TargetPath)) return Deliver(key, ptr.TargetPath, log, copy: copyTo != null);
            log.Add($"SYMSRV:  file.ptr target {ptr.TargetPath} does not exist");
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, $"file.ptr in {Root} points to missing {ptr.TargetPath}", log);
        }
        return SymbolLookupResult.Miss(key, SymbolLookupStatus.NotFound, $"not found in {Root}", log);
    }

    private SymbolLookupResult Deliver(SymbolKey key, string path, SymbolLog log, bool copy)
    {
        if (!copy) return SymbolLookupResult.Hit(key, path, log);
        var target = copyTo!;
        var temp = target.NewTempPath();
        try
        {
            File.Copy(path, temp, overwrite: true);
            var final = target.Commit(key, temp);
            log.Add($"SYMSRV:  {path} copied to {final}");
            return SymbolLookupResult.Hit(key, final, log);
        }
        catch (IOException e)
        {
            CacheWriter.Discard(temp);
            log.Add($"SYMSRV:  copy of {path} failed: {e.Message}");
            return SymbolLookupResult.Hit(key, path, log);
        }
    }

    private SymbolLookupResult Expand(SymbolKey key, string compressed, SymbolLog log)
    {
        var writer = copyTo ?? Writer;
        string? temp = null;
        try
        {
            temp = writer.NewTempPath();
            var problem = SymbolFileCheck.ExpandCabinet(compressed, key.FileName, temp) ?? SymbolFileCheck.Problem(temp, key.FileName);
            if (problem != null)
            {
                CacheWriter.Discard(temp);
                log.Add($"SYMSRV:  {compressed}: {problem}");
                return SymbolLookupResult.Miss(key, SymbolLookupStatus.Corrupt, $"{compressed}: {problem}", log);
            }
            var final = writer.Commit(key, temp);
            log.Add($"SYMSRV:  {compressed} expanded to {final}");
            return SymbolLookupResult.Hit(key, final, log);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CacheWriter.Discard(temp);
            return SymbolLookupResult.Miss(key, SymbolLookupStatus.Corrupt, $"cannot expand {compressed}: {e.Message}", log);
        }
    }
}
