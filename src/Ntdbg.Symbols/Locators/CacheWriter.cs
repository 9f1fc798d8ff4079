namespace Ntdbg.Symbols.Locators;

/// <summary>
/// Puts files into a symbol cache atomically: everything is written to a temporary file in the
/// cache root (same file system) and renamed into `name/index/name` only when complete and
/// checked, so a cache never holds a half file. Failed attempts delete their temporary file.
/// </summary>
public sealed class CacheWriter
{
    public const string TempSuffix = ".ntdbg-partial";

    public string Root { get; }

    public CacheWriter(string root) => Root = root;

    /// <summary>A fresh temporary path in the cache root (the root is created if needed).</summary>
    public string NewTempPath()
    {
        Directory.CreateDirectory(Root);
        return Path.Combine(Root, "." + Guid.NewGuid().ToString("N") + TempSuffix);
    }

    /// <summary>
    /// Moves a complete temporary file to its key; if another writer got there first, keeps theirs,
    /// unless <paramref name="replace"/> (`.reload /o`) asks for the new copy (renamed over the old one).
    /// </summary>
    public string Commit(SymbolKey key, string tempPath, bool replace = false)
    {
        var existing = StoreLayout.ResolveIgnoringCase(Root, StoreLayout.IsTwoTier(Root) ? [key.TwoTierPrefix, key.FileName, key.Index, key.FileName] : [key.FileName, key.Index, key.FileName]);
        if (existing != null && File.Exists(existing))
        {
            if (!replace) { Discard(tempPath); return existing; }
            File.Move(tempPath, existing, overwrite: true);
            return existing;
        }
        var dir = StoreLayout.ResolveIgnoringCase(Root, StoreLayout.IsTwoTier(Root) ? [key.TwoTierPrefix, key.FileName, key.Index] : [key.FileName, key.Index])
                  ?? StoreLayout.KeyDirectory(Root, key);
        Directory.CreateDirectory(dir);
        var final = Path.Combine(dir, key.FileName);
        try
        {
            File.Move(tempPath, final, overwrite: false);
        }
        catch (IOException) when (File.Exists(final))
        {
            Discard(tempPath);
        }
        return final;
    }

    /// <summary>Deletes temporary files a crashed run left in the cache root (only ours, only old ones).</summary>
    public int RemoveStalePartials(TimeSpan olderThan)
    {
        int removed = 0;
        if (!Directory.Exists(Root)) return 0;
        try
        {
            foreach (var file in Directory.EnumerateFiles(Root, "*" + TempSuffix))
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) < olderThan) continue;
                Discard(file);
                removed++;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return removed;
    }

    public static void Discard(string? tempPath)
    {
        if (tempPath == null) return;
        try { File.Delete(tempPath); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
