using Ntdbg.Core.Errors;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// Finds the ISF table for a PDB in a folder laid out as Volatility 3 lays them out:
/// <c>&lt;dir&gt;/windows/&lt;pdb name&gt;/&lt;GUID&gt;-&lt;age&gt;.json(.xz)</c>, GUID as 32 upper-case hex
/// digits and age in decimal. <c>&lt;dir&gt;</c> may also be the <c>windows</c> folder or the pdb-name
/// folder itself. Names are compared case-insensitively (Linux file systems are not). A
/// candidate is accepted only when its own metadata names the same GUID and age.
/// </summary>
public static class IsfLocator
{
    /// <summary>The file names Volatility gives a table for this PDB, compressed first.</summary>
    public static IReadOnlyList<string> FileNames(Guid guid, uint age)
    {
        string stem = $"{guid.ToString("N").ToUpperInvariant()}-{age}";
        return [stem + ".json.xz", stem + ".json"];
    }

    /// <summary>Candidate files by name only (no file is opened), in the order <see cref="Find"/> tries them.</summary>
    public static IReadOnlyList<string> Candidates(string symbolDirectory, string pdbName, Guid guid, uint age)
    {
        var result = new List<string>();
        foreach (var folder in PdbFolders(symbolDirectory, pdbName))
            foreach (var fileName in FileNames(guid, age))
                if (ChildFile(folder, fileName) is { } file && !result.Contains(file)) result.Add(file);
        return result;
    }

    /// <summary>
    /// Loads the first candidate whose metadata matches <paramref name="guid"/> and <paramref name="age"/>.
    /// Unreadable or mismatching candidates are skipped and listed in <see cref="IsfMatch.Rejected"/>.
    /// </summary>
    public static IsfMatch Find(string symbolDirectory, string pdbName, Guid guid, uint age)
    {
        var rejected = new List<string>();
        foreach (var path in Candidates(symbolDirectory, pdbName, guid, age))
        {
            IsfSymbolTable table;
            try { table = IsfSymbolTable.Load(path); }
            catch (DumpFormatException ex) { rejected.Add(ex.Message); continue; }
            catch (IOException ex) { rejected.Add($"{path}: {ex.Message}"); continue; }
            catch (UnauthorizedAccessException ex) { rejected.Add($"{path}: {ex.Message}"); continue; }

            var m = table.Metadata;
            if (!m.Matches(guid, age))
            {
                rejected.Add($"{path}: its metadata names PDB {m.PdbGuid?.ToString("N").ToUpperInvariant() ?? "(none)"}-{m.PdbAge?.ToString() ?? "?"}, " +
                    $"not {guid.ToString("N").ToUpperInvariant()}-{age}");
                continue;
            }
            return new IsfMatch(table, rejected);
        }
        return new IsfMatch(null, rejected);
    }

    /// <summary>
    /// For a module whose CodeView record the dump lacks (a triage dump keeps only part of the
    /// kernel image): the one table of this PDB name in which every anchor symbol has exactly the
    /// given RVA. Anchors are addresses the dump records on its own, e.g. PsLoadedModuleList,
    /// PsActiveProcessHead and KdDebuggerDataBlock from the kernel dump header minus the kernel
    /// base; three of them pin a build. Loads every table of that PDB name, so it is the slow path.
    /// No match, or more than one, returns no table.
    /// </summary>
    public static IsfMatch FindByAnchors(string symbolDirectory, string pdbName, IReadOnlyDictionary<string, uint> anchorRvas)
    {
        if (anchorRvas.Count == 0) throw new ArgumentException("at least one anchor symbol is needed", nameof(anchorRvas));
        var rejected = new List<string>();
        var matches = new List<IsfSymbolTable>();
        foreach (var folder in PdbFolders(symbolDirectory, pdbName))
        {
            foreach (var path in TableFiles(folder))
            {
                IsfSymbolTable table;
                try { table = IsfSymbolTable.Load(path); }
                catch (DumpFormatException ex) { rejected.Add(ex.Message); continue; }
                catch (IOException ex) { rejected.Add($"{path}: {ex.Message}"); continue; }
                catch (UnauthorizedAccessException ex) { rejected.Add($"{path}: {ex.Message}"); continue; }

                string? mismatch = null;
                foreach (var (symbol, rva) in anchorRvas)
                {
                    if (!table.TryGetSymbolRva(symbol, out uint actual)) { mismatch = $"it has no {symbol}"; break; }
                    if (actual != rva) { mismatch = $"its {symbol} is at RVA 0x{actual:x}, not 0x{rva:x}"; break; }
                }
                if (mismatch == null) matches.Add(table);
                else rejected.Add($"{path}: {mismatch}");
            }
        }
        if (matches.Count == 1) return new IsfMatch(matches[0], rejected);
        if (matches.Count > 1)
            rejected.Add($"{matches.Count} tables match the anchor RVAs ({string.Join(", ", matches.Select(m => Path.GetFileName(m.Path)))}); none chosen");
        return new IsfMatch(null, rejected);
    }

    /// <summary>The folders that hold tables of this PDB name: &lt;dir&gt;/windows/&lt;pdb&gt;, &lt;dir&gt;/&lt;pdb&gt;, or &lt;dir&gt; itself.</summary>
    public static IReadOnlyList<string> PdbFolders(string symbolDirectory, string pdbName)
    {
        var folders = new List<string>();
        if (!Directory.Exists(symbolDirectory)) return folders;
        string pdbFolderName = Path.GetFileName(pdbName.Replace('\\', '/'));
        if (ChildDirectory(symbolDirectory, "windows") is { } windows && ChildDirectory(windows, pdbFolderName) is { } a) folders.Add(a);
        if (ChildDirectory(symbolDirectory, pdbFolderName) is { } b) folders.Add(b);
        string own = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(symbolDirectory)));
        if (string.Equals(own, pdbFolderName, StringComparison.OrdinalIgnoreCase)) folders.Add(symbolDirectory);
        return folders.Distinct().ToList();
    }

    private static IEnumerable<string> TableFiles(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder)
                .Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json.xz", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return []; }
    }

    private static string? ChildDirectory(string parent, string name)
    {
        string exact = Path.Combine(parent, name);
        if (Directory.Exists(exact)) return exact;
        try
        {
            return Directory.EnumerateDirectories(parent)
                .FirstOrDefault(d => string.Equals(Path.GetFileName(d), name, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    private static string? ChildFile(string parent, string name)
    {
        string exact = Path.Combine(parent, name);
        if (File.Exists(exact)) return exact;
        try
        {
            return Directory.EnumerateFiles(parent)
                .FirstOrDefault(f => string.Equals(Path.GetFileName(f), name, StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }
}
