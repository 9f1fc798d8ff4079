using System.Globalization;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>The two text dialects of PDH counter logs: comma- or tab-separated quoted cells.</summary>
public enum PerfLogDialect { Csv, Tsv }

/// <summary>
/// The first cell of a PDH CSV/TSV log: <c>(PDH-CSV 4.0) (Pacific Standard Time)(480)</c> — the
/// dialect and PDH version, then the collecting machine's time zone name and its bias in minutes
/// (Windows' sign: UTC = local + bias). Both time zone parts are optional.
/// </summary>
public sealed record PdhTextHeader(PerfLogDialect Dialect, string Version, string? TimeZone, int? TimeZoneBias)
{
    public static bool TryParse(string cell, out PdhTextHeader header, out string? error)
    {
        header = null!;
        error = null;
        string text = cell.Trim();
        PerfLogDialect dialect;
        if (text.StartsWith("(PDH-CSV", StringComparison.OrdinalIgnoreCase)) dialect = PerfLogDialect.Csv;
        else if (text.StartsWith("(PDH-TSV", StringComparison.OrdinalIgnoreCase)) dialect = PerfLogDialect.Tsv;
        else
        {
            error = $"not a PDH CSV/TSV counter log: the first cell is '{Shorten(text)}', expected '(PDH-CSV 4.0) ...' or '(PDH-TSV 4.0) ...'";
            return false;
        }
        int close = text.IndexOf(')');
        if (close < 0)
        {
            error = $"the PDH marker '{Shorten(text)}' has no closing parenthesis";
            return false;
        }
        string version = text[8..close].Trim();
        string rest = text[(close + 1)..].Trim();
        int? bias = null;
        if (rest.EndsWith(')'))
        {
            int open = rest.LastIndexOf('(');
            if (open >= 0 && int.TryParse(rest.AsSpan(open + 1, rest.Length - open - 2), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int b))
            {
                bias = b;
                rest = rest[..open].TrimEnd();
            }
        }
        string? zone = null;
        if (rest.Length >= 2 && rest[0] == '(' && rest[^1] == ')') zone = rest[1..^1];
        else if (rest.Length > 0) zone = rest; // not PDH's shape, but the name is still the best we have
        header = new PdhTextHeader(dialect, version, zone, bias);
        return true;
    }

    /// <summary>The cell as relog writes it (before CSV quoting).</summary>
    public string Format() =>
        $"(PDH-{(Dialect == PerfLogDialect.Csv ? "CSV" : "TSV")} {Version})"
        + (TimeZone != null ? $" ({TimeZone})" : "")
        + (TimeZoneBias is int b ? $"({b.ToString(CultureInfo.InvariantCulture)})" : "");

    internal static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
