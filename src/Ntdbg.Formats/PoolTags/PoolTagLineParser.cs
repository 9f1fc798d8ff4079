namespace Ntdbg.Formats.PoolTags;

/// <summary>
/// Splits one line `&lt;PoolTag&gt; - &lt;binary-name&gt; - &lt;Description&gt;`. The columns are aligned
/// loosely across copies of the file ("Fsb -  netio.sys", "Dh 0 - ...", "@MP  - ..."), so the
/// separator is found as a space followed by '-' rather than by column. Returns null for lines
/// that do not fit; the caller counts them.
/// </summary>
internal static class PoolTagLineParser
{
    public const string UnknownBinary = "<unknown>";

    /// <summary>Ctrl-Z, the old DOS end-of-file mark the 2020 copy still ends with.</summary>
    public static bool IsEndOfFileMark(ReadOnlySpan<char> trimmed) => trimmed is ['\x1a'];

    public static bool IsComment(ReadOnlySpan<char> trimmed) =>
        trimmed.StartsWith("//") ||
        (trimmed.StartsWith("rem", StringComparison.OrdinalIgnoreCase) && (trimmed.Length == 3 || char.IsWhiteSpace(trimmed[3])));

    public static PoolTagEntry? Parse(ReadOnlySpan<char> line, int number)
    {
        if (line.IsEmpty || char.IsWhiteSpace(line[0])) return null; // a tag starts the line
        int sep = line.IndexOf(" -");
        if (sep < 1) return null;
        var tag = line[..sep].TrimEnd(); // "Mmpv  - nt!mm": a few lines put two blanks after the tag
        if (tag.Length > PoolTagDatabase.TagLength) return null;
        foreach (char c in tag)
            if (c < 0x20 || c > 0x7e) return null;

        var rest = line[(sep + 2)..].TrimStart();
        if (rest.IsEmpty) return null;
        int split = FindSeparator(rest);
        // A few lines give only "tag - description" (the AppTag block of the 2020 copy): keep them, owner unknown.
        var binary = split < 0 ? [] : rest[..split].Trim();
        var description = split < 0 ? rest : rest[(split + 1)..].Trim();
        string? binaryName = binary.IsEmpty || binary.SequenceEqual(UnknownBinary) ? null : binary.ToString();
        return new PoolTagEntry(tag.ToString().PadRight(PoolTagDatabase.TagLength), binaryName, description.ToString(), number);
    }

    /// <summary>
    /// The '-' after the binary name: preceded by whitespace. Binary names may hold spaces
    /// ("nt!store or rdyboost.sys", "win32kbase!C::operator new") and one line writes "nt!cm -internal".
    /// </summary>
    private static int FindSeparator(ReadOnlySpan<char> rest)
    {
        for (int i = 1; i < rest.Length; i++)
            if (rest[i] == '-' && char.IsWhiteSpace(rest[i - 1])) return i;
        return -1;
    }
}
