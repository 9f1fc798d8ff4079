namespace Ntdbg.Symbols.Locators;

/// <summary>
/// The on-disk layout of a symbol store: `name/index/name`, or with `index2.txt` in the root the
/// two-tier `na/name/index/name`; a `file.ptr` beside the file may redirect (`PATH:<path>`) or
/// explain (`MSG:<text>`). Lookups ignore case, since stores copied from Windows differ in case.
/// </summary>
public static class StoreLayout
{
    public const string TwoTierMarker = "index2.txt";
    public const string FilePointerName = "file.ptr";

    public static bool IsTwoTier(string root) => ResolveChild(root, TwoTierMarker) is { } p && File.Exists(p);

    /// <summary>The folder that holds the file for <paramref name="key"/> (not checked for existence, exact case).</summary>
    public static string KeyDirectory(string root, SymbolKey key) =>
        IsTwoTier(root) ? Path.Combine(root, key.TwoTierPrefix, key.FileName, key.Index) : Path.Combine(root, key.FileName, key.Index);

    /// <summary>Finds `path` components under `root` ignoring case; null when one is missing.</summary>
    public static string? ResolveIgnoringCase(string root, params string[] components)
    {
        string current = root;
        foreach (var c in components)
        {
            var next = ResolveChild(current, c);
            if (next == null) return null;
            current = next;
        }
        return current;
    }

    /// <summary>Finds the store entry: the file, a file.ptr, or nothing.</summary>
    public static StoreEntry Find(string root, SymbolKey key, SymbolLog log)
    {
        if (!Directory.Exists(root)) { log.Add($"SYMSRV:  {root} does not exist"); return StoreEntry.None; }
        bool twoTier = IsTwoTier(root);
        string[] dirComponents = twoTier ? [key.TwoTierPrefix, key.FileName, key.Index] : [key.FileName, key.Index];
        var dir = ResolveIgnoringCase(root, dirComponents);
        string shown = Path.Combine([root, .. dirComponents, key.FileName]);
        if (dir == null || !Directory.Exists(dir)) { log.Add($"SYMSRV:  {shown} not found"); return StoreEntry.None; }

        var file = ResolveChild(dir, key.FileName);
        if (file != null && File.Exists(file)) { log.Add($"SYMSRV:  {file} found"); return new StoreEntry(file, null, null); }

        var compressed = ResolveChild(dir, key.CompressedFileName);
        if (compressed != null && File.Exists(compressed)) { log.Add($"SYMSRV:  {compressed} found (compressed)"); return new StoreEntry(null, compressed, null); }

        var ptr = ResolveChild(dir, FilePointerName);
        if (ptr != null && File.Exists(ptr))
        {
            string text;
            try { text = File.ReadAllText(ptr); }
            catch (IOException e) { log.Add($"SYMSRV:  {ptr} unreadable: {e.Message}"); return StoreEntry.None; }
            log.Add($"SYMSRV:  {ptr} says {FilePointer.Parse(text)}");
            return new StoreEntry(null, null, FilePointer.Parse(text));
        }
        log.Add($"SYMSRV:  {shown} not found");
        return StoreEntry.None;
    }

    private static string? ResolveChild(string dir, string name)
    {
        var exact = Path.Combine(dir, name);
        if (File.Exists(exact) || Directory.Exists(exact)) return exact;
        if (!Directory.Exists(dir)) return null;
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
                if (string.Equals(Path.GetFileName(entry), name, StringComparison.OrdinalIgnoreCase)) return entry;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}

/// <summary>What a store holds for a key: the file, its compressed form, or a file.ptr.</summary>
public sealed record StoreEntry(string? File, string? CompressedFile, FilePointer? Pointer)
{
    public static readonly StoreEntry None = new(null, null, null);
}
