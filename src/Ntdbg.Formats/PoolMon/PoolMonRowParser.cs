namespace Ntdbg.Formats.PoolMon;

/// <summary>
/// Splits one table row: "EtwB Nonp  6394  4056  2338 163418368  69896" (-n logs) or
/// "Io   Nonp 1021112 (   1) 1020985 (   1)  127  91912 (     0)  723 [mapped driver]" (the
/// screen, whose "( n)" columns are the change since the last refresh). Returns the problem as
/// text instead of throwing so the caller can name file and line.
/// </summary>
internal static class PoolMonRowParser
{
    public const int TagLength = 4;
    private const int MaxTypeLength = 8;
    private const int MaxDigits = 19;

    /// <param name="tagColumn">Where "Tag" starts in the column header, when one was seen: poolmon pads tags to 4 characters there.</param>
    public static PoolMonRow? Parse(string line, int number, int? tagColumn, out string? problem)
    {
        problem = null;
        if (!SplitTag(line, tagColumn, out var tag, out int pos, out problem)) return null;
        var s = line.AsSpan();
        var type = ReadWord(s, ref pos);
        if (type.IsEmpty || type.Length > MaxTypeLength)
        {
            problem = $"expected the pool type (Nonp, Paged) after tag '{tag}'";
            return null;
        }
        string typeText = type.ToString();
        if (!Number(s, ref pos, "Allocs", out long allocs, ref problem) ||
            !Delta(s, ref pos, "Allocs", out long? allocsDelta, ref problem) ||
            !Number(s, ref pos, "Frees", out long frees, ref problem) ||
            !Delta(s, ref pos, "Frees", out long? freesDelta, ref problem) ||
            !Number(s, ref pos, "Diff", out long diff, ref problem) ||
            !Number(s, ref pos, "Bytes", out long bytes, ref problem) ||
            !Delta(s, ref pos, "Bytes", out long? bytesDelta, ref problem) ||
            !Number(s, ref pos, "Per Alloc", out long perAlloc, ref problem))
            return null;
        var rest = s[pos..].Trim();
        return new PoolMonRow(tag, TypeOf(typeText), typeText, allocs, allocsDelta, frees, freesDelta, diff, bytes, bytesDelta, perAlloc,
            rest.IsEmpty ? null : rest.ToString(), number);
    }

    public static PoolMonPoolType TypeOf(string text) => text switch
    {
        "Nonp" => PoolMonPoolType.NonPaged,
        "Paged" => PoolMonPoolType.Paged,
        _ => PoolMonPoolType.Other,
    };

    /// <summary>
    /// The tag: poolmon prints it padded to 4 characters and a blank, so "Io   Nonp" and "Ip S Nonp"
    /// keep their spaces. When the padding was lost (lines re-spaced by hand or by a tool) the first
    /// word is the tag.
    /// </summary>
    private static bool SplitTag(string line, int? tagColumn, out string tag, out int next, out string? problem)
    {
        problem = null;
        int start = tagColumn is int k && k < line.Length && line.AsSpan(0, k).IsWhiteSpace() && line[k] != ' ' ? k : FirstNonBlank(line);
        if (start + TagLength < line.Length && line[start + TagLength] == ' ' && TypeFollows(line, start + TagLength))
        {
            tag = line.Substring(start, TagLength).TrimEnd();
            next = start + TagLength;
            if (tag.Length > 0 && !HasControl(tag)) return true;
        }
        int end = line.IndexOf(' ', start);
        if (end < 0) end = line.Length;
        tag = line[start..end];
        next = end;
        if (tag.Length == 0 || tag.Length > TagLength || HasControl(tag))
        {
            problem = tag.Length > TagLength ? $"'{Clip(tag)}' is no pool tag (more than {TagLength} characters)" : "no pool tag at the start of the row";
            return false;
        }
        return true;
    }

    private static bool TypeFollows(string line, int pos)
    {
        while (pos < line.Length && line[pos] == ' ') pos++;
        return pos < line.Length && char.IsAsciiLetter(line[pos]);
    }

    private static int FirstNonBlank(string line)
    {
        int i = 0;
        while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
        return i;
    }

    private static bool HasControl(string s)
    {
        foreach (char c in s)
            if (char.IsControl(c)) return true;
        return false;
    }

    private static ReadOnlySpan<char> ReadWord(ReadOnlySpan<char> s, ref int pos)
    {
        SkipBlanks(s, ref pos);
        int start = pos;
        while (pos < s.Length && char.IsAsciiLetter(s[pos])) pos++;
        return s[start..pos];
    }

    private static void SkipBlanks(ReadOnlySpan<char> s, ref int pos)
    {
        while (pos < s.Length && (s[pos] == ' ' || s[pos] == '\t')) pos++;
    }

    private static bool Number(ReadOnlySpan<char> s, ref int pos, string column, out long value, ref string? problem)
    {
        SkipBlanks(s, ref pos);
        int start = pos;
        if (pos < s.Length && s[pos] == '-') pos++;
        int digits = pos;
        while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
        value = 0;
        if (pos == digits)
        {
            problem = pos >= s.Length ? $"row ends before the {column} column" : $"expected a number in the {column} column, found '{Clip(s[start..].ToString())}'";
            return false;
        }
        if (pos < s.Length && !char.IsWhiteSpace(s[pos]) && s[pos] != '(')
        {
            problem = $"expected a number in the {column} column, found '{Clip(s[start..].ToString())}'";
            return false;
        }
        if (pos - digits > MaxDigits || !long.TryParse(s[start..pos], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out value))
        {
            problem = $"the {column} value '{Clip(s[start..pos].ToString())}' is out of range";
            return false;
        }
        return true;
    }

    /// <summary>An optional "( n)" after a column: absent in -n logs, present on the screen.</summary>
    private static bool Delta(ReadOnlySpan<char> s, ref int pos, string column, out long? value, ref string? problem)
    {
        value = null;
        int p = pos;
        SkipBlanks(s, ref p);
        if (p >= s.Length || s[p] != '(') return true;
        int close = s[p..].IndexOf(')');
        if (close < 0)
        {
            problem = $"'(' after the {column} column is not closed";
            return false;
        }
        var inside = s.Slice(p + 1, close - 1);
        int q = 0;
        if (!Number(inside, ref q, $"{column} change", out long v, ref problem)) return false;
        SkipBlanks(inside, ref q);
        if (q != inside.Length)
        {
            problem = $"expected one number in the {column} change '({inside})'";
            return false;
        }
        value = v;
        pos = p + close + 1;
        return true;
    }

    private static string Clip(string s) => s.Length <= 24 ? s : s[..24] + "...";
}
