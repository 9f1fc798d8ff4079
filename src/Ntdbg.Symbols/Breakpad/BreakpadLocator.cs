namespace Ntdbg.Symbols.Breakpad;

/// <summary>
/// Where breakpad's tools file a module's symbols: <c>&lt;root&gt;/&lt;debug file&gt;/&lt;debug id&gt;/&lt;debug file without .pdb&gt;.sym</c>,
/// e.g. <c>test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym</c>; the debug id is the
/// PDB's GUID (no dashes, upper case) followed by its age in hex. Names are compared
/// case-insensitively, as the stores come from Windows machines and Linux file systems are not.
/// </summary>
public static class BreakpadLocator
{
    /// <summary>The .sym file name for a debug file: "x.pdb" → "x.sym"; any other name gets ".sym" appended (ELF, Mach-O).</summary>
    public static string SymFileName(string debugFile) =>
        debugFile.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase) ? debugFile[..^4] + ".sym" : debugFile + ".sym";

    /// <summary>The file under root for this debug file and id, or null. Nothing is opened.</summary>
    public static string? Find(string root, string debugFile, string debugId)
    {
        if (debugFile.Length == 0 || debugFile.IndexOfAny(['/', '\\']) >= 0 || debugFile is "." or "..") return null;
        if (debugId.Length == 0 || debugId.IndexOfAny(['/', '\\', '.']) >= 0) return null;
        var folder = Child(root, debugFile, directory: true);
        var idFolder = folder != null ? Child(folder, debugId, directory: true) : null;
        return idFolder != null ? Child(idFolder, SymFileName(debugFile), directory: false) : null;
    }

    private static string? Child(string parent, string name, bool directory)
    {
        string exact = Path.Combine(parent, name);
        if (directory ? Directory.Exists(exact) : File.Exists(exact)) return exact;
        try
        {
            var entries = directory ? Directory.EnumerateDirectories(parent) : Directory.EnumerateFiles(parent);
            return entries.FirstOrDefault(e => string.Equals(Path.GetFileName(e), name, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
