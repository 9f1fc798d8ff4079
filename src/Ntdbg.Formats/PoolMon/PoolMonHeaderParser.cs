using System.Globalization;
using System.Text.RegularExpressions;

namespace Ntdbg.Formats.PoolMon;

/// <summary>
/// The lines around a poolmon table: "Memory:... Avail:... PageFlts:... InRam Krnl:...K P:...K",
/// "Commit:... Limit:... Peak:... Pool N:...K P:...K", the title, the column header, and a
/// timestamp line a collection script may write before each snapshot.
/// </summary>
internal static partial class PoolMonHeaderParser
{
    // "Label:value" pairs; labels may hold a blank ("InRam Krnl", "Pool N") and values a K suffix.
    [GeneratedRegex(@"(?<label>[A-Za-z][A-Za-z ]*?)\s*:\s*(?<value>-?\d{1,19})K?", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Pair();

    /// <summary>Formats a script's timestamp line is read in: ISO 8601, cmd's "%date% %time%" (en-US) and PowerShell's Get-Date.</summary>
    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ss.FFFFFFF",
        "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK", "yyyy-MM-dd HH:mm",
        "ddd MM/dd/yyyy H:mm:ss.FF", "ddd MM/dd/yyyy HH:mm:ss.FF", "MM/dd/yyyy H:mm:ss.FF", "MM/dd/yyyy HH:mm:ss",
        "M/d/yyyy h:mm:ss tt", "dddd, MMMM d, yyyy h:mm:ss tt",
    ];

    public static bool IsMemoryLine(ReadOnlySpan<char> trimmed) => trimmed.StartsWith("Memory:", StringComparison.Ordinal);

    public static bool IsCommitLine(ReadOnlySpan<char> trimmed) => trimmed.StartsWith("Commit:", StringComparison.Ordinal);

    public static bool IsTitle(ReadOnlySpan<char> trimmed) => trimmed.EndsWith("pool information", StringComparison.OrdinalIgnoreCase);

    public static bool IsTotals(ReadOnlySpan<char> trimmed) => trimmed.StartsWith("Total", StringComparison.OrdinalIgnoreCase);

    public static bool IsColumnHeader(ReadOnlySpan<char> trimmed) =>
        trimmed.StartsWith("Tag ", StringComparison.Ordinal) && trimmed.Contains("Type", StringComparison.Ordinal) && trimmed.Contains("Allocs", StringComparison.Ordinal);

    public static DateTime? Timestamp(string trimmed)
    {
        // Cheap filter first: rows and headers never start with a digit and a date separator.
        if (trimmed.Length < 10 || trimmed.Length > 64) return null;
        return DateTime.TryParseExact(trimmed, TimestampFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces | DateTimeStyles.AdjustToUniversal, out var t)
            ? t
            : null;
    }

    /// <summary>Adds the values of a Memory: or Commit: line to <paramref name="header"/>.</summary>
    public static PoolMonSystemHeader Merge(PoolMonSystemHeader header, string line, bool memoryLine)
    {
        foreach (Match m in Pair().Matches(line))
        {
            if (!long.TryParse(m.Groups["value"].ValueSpan, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long v)) continue;
            header = (memoryLine, m.Groups["label"].Value.Trim()) switch
            {
                (true, "Memory") => header with { MemoryKb = v },
                (true, "Avail") => header with { AvailableKb = v },
                (true, "PageFlts") => header with { PageFaults = v },
                (true, "InRam Krnl") => header with { InRamKernelKb = v },
                (true, "P") => header with { InRamPagedKb = v },
                (false, "Commit") => header with { CommitKb = v },
                (false, "Limit") => header with { CommitLimitKb = v },
                (false, "Peak") => header with { CommitPeakKb = v },
                (false, "Pool N") => header with { PoolNonPagedKb = v },
                (false, "P") => header with { PoolPagedKb = v },
                _ => header,
            };
        }
        return header;
    }

    public static readonly PoolMonSystemHeader Empty = new(null, null, null, null, null, null, null, null, null, null);
}
