namespace Ntdbg.Symbols.Locators;

/// <summary>
/// The symbol-store key of a file: `name/index/name`. A PDB's index is its GUID (N format,
/// upper case) followed by the age in hex; an image's is its TimeDateStamp (%08X) followed by
/// SizeOfImage (%x). Comparison is case-insensitive, as stores written on Windows differ in case.
/// </summary>
public sealed record SymbolKey
{
    public string FileName { get; }
    public string Index { get; }

    public SymbolKey(string fileName, string index)
    {
        if (string.IsNullOrWhiteSpace(fileName) || fileName.IndexOfAny(['/', '\\', '*', ';', '\0']) >= 0 || fileName is "." or "..")
            throw new ArgumentException($"bad symbol file name '{fileName}'", nameof(fileName));
        if (string.IsNullOrWhiteSpace(index) || index.IndexOfAny(['/', '\\', '*', ';', '\0', '.']) >= 0)
            throw new ArgumentException($"bad symbol index '{index}'", nameof(index));
        FileName = fileName;
        Index = index;
    }

    /// <summary>Key of a PDB: GUID in N format upper case, then the age in hex with no padding.</summary>
    public static SymbolKey ForPdb(string pdbPath, Guid guid, uint age) =>
        new(LeafName(pdbPath), guid.ToString("N").ToUpperInvariant() + age.ToString("X"));

    /// <summary>Key of an image (exe, dll, sys): TimeDateStamp as %08X, then SizeOfImage as %x.</summary>
    public static SymbolKey ForImage(string imagePath, uint timeDateStamp, uint sizeOfImage) =>
        new(LeafName(imagePath), timeDateStamp.ToString("X8") + sizeOfImage.ToString("x"));

    /// <summary>`name/index/name` with forward slashes (URL and store path).</summary>
    public string RelativePath => $"{FileName}/{Index}/{FileName}";

    /// <summary>The compressed name symstore uses: the last character of the extension replaced by '_'.</summary>
    public string CompressedFileName
    {
        get
        {
            int dot = FileName.LastIndexOf('.');
            return dot >= 0 && dot < FileName.Length - 1 ? FileName[..^1] + "_" : FileName + "._";
        }
    }

    /// <summary>The two-tier prefix (index2.txt stores): the first two characters of the name.</summary>
    public string TwoTierPrefix => FileName.Length >= 2 ? FileName[..2] : FileName;

    public bool Equals(SymbolKey? other) =>
        other is not null && string.Equals(FileName, other.FileName, StringComparison.OrdinalIgnoreCase)
                          && string.Equals(Index, other.Index, StringComparison.OrdinalIgnoreCase);

    public override int GetHashCode() =>
        HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(FileName), StringComparer.OrdinalIgnoreCase.GetHashCode(Index));

    public override string ToString() => RelativePath;

    /// <summary>Case-insensitive identity for dictionaries (coalescing, negative cache).</summary>
    public string Identity => RelativePath.ToLowerInvariant();

    private static string LeafName(string path)
    {
        int cut = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return cut >= 0 ? path[(cut + 1)..] : path;
    }
}
