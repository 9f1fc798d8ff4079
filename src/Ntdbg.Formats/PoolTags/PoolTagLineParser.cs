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

    public static bool IsComment(ReadOnlySpan<char> trimmed) =>
        trimmed.StartsWith("//") ||
        (trimmed.StartsWith("rem", StringComparison.OrdinalIgnoreCase) && (trimmed.Length == 3 || char.IsWhiteSpace(trimmed[3])));

    public static PoolTagEntry? Parse(ReadOnlySpan<char> line, int number)
    {
        if (line.IsEmpty || char.IsWhiteSpace(line[0])) return null; // a tag starts the line
        int sep = line.IndexOf(" -");
        if (sep < 1 || sep > PoolTagDatabase.TagLength) return null;
        var tag = line[..sep].TrimEnd();
        foreach (char c in tag)
            if (c < 0x20 || c > 0x7e) return null;

        var rest = line[(sep + 2)..].TrimStart();
        int split = FindSeparator(rest);
        if (split < 0) return null;
        var binary = rest[..split].Trim();
        var description = rest[(split + 1)..].Trim();
        if (binary.IsEmpty) return null;
        string? binaryName = binary.SequenceEqual(UnknownBinary) ? null : binary.ToString();
        return new PoolTagEntry(tag.ToString().PadRight(PoolTagDatabase.TagLength), binaryName, description.ToString(), number);
    }

    /// <summary>The '-' after the binary name: preceded by whitespace and followed by whitespace or the end.</summary>
    private static int FindSeparator(ReadOnlySpan<char> rest)
    {
        for (int i = 1; i < rest.Length; i++)
        {
            if (rest[i] != '-' || !char.IsWhiteSpace(rest[i - 1])) continue;
            if (i + 1 == rest.Length || char.IsWhiteSpace(rest[i + 1])) return i;
        }
        return -1;
    }
}
