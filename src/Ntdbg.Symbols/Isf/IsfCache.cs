using System.Security.Cryptography;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// A disk cache of parsed ISF tables. Decompressing and parsing a kernel table (0.6 MB of XZ, 6 MB
/// of JSON) costs a few hundred milliseconds of a debugger start; reading the parsed form back
/// costs a few. Entries are named by the SHA-256 of the table file's bytes, so an edited, replaced
/// or copied table can never be answered with another table's contents (hashing 0.6 MB takes about
/// a millisecond). Folder: $NTDBG_ISF_CACHE, else $XDG_CACHE_HOME/ntdbg/isf, else
/// ~/.cache/ntdbg/isf; NTDBG_ISF_CACHE=off disables it. An unreadable, foreign or damaged entry
/// is ignored and rewritten; a folder that cannot be written just leaves the cache off.
/// </summary>
internal static class IsfCache
{
    public const string EnvironmentVariable = "NTDBG_ISF_CACHE";

    /// <summary>The cache folder, or null when caching is off or no home folder is known.</summary>
    public static string? Folder()
    {
        string? explicitFolder = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(explicitFolder))
            return explicitFolder.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : explicitFolder;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "ntdbg", "isf");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "ntdbg", "isf");
    }

    /// <summary>The parsed table for the file whose bytes are <paramref name="fileBytes"/>, or null on a miss.</summary>
    public static IsfDocument? TryLoad(string? folder, byte[] fileBytes, out string? entryPath)
    {
        entryPath = null;
        if (folder == null) return null;
        entryPath = Path.Combine(folder, $"{Key(fileBytes)}.v{IsfBinaryFormat.Version}.isfc"); // versions side by side, never overwriting each other
        try
        {
            if (!File.Exists(entryPath)) return null;
            return IsfBinaryFormat.Read(File.ReadAllBytes(entryPath), entryPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null; // damaged or unreadable: parse the table again and rewrite the entry
        }
    }

    /// <summary>Stores a parsed table (write to a temporary name, then rename: readers never see half an entry).</summary>
    public static void TryStore(string? entryPath, IsfDocument document)
    {
        if (entryPath == null) return;
        string temporary = $"{entryPath}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(entryPath)!);
            File.WriteAllBytes(temporary, IsfBinaryFormat.Write(document));
            File.Move(temporary, entryPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
        }
    }

    private static string Key(byte[] fileBytes) => Convert.ToHexString(SHA256.HashData(fileBytes)).ToLowerInvariant();
}
