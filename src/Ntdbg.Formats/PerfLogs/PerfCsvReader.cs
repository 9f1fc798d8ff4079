using System.Text;
using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>The header of a PDH CSV/TSV log: its first cell and the counter path of each column.</summary>
public sealed record PerfCsvHeader(PdhTextHeader Pdh, IReadOnlyList<CounterPath> Counters);

/// <summary>
/// Reads PDH CSV and TSV counter logs as relog (<c>-f csv|tsv</c>), typeperf and Performance
/// Monitor's "Save Data As" write them, streaming: one line buffer, values parsed straight from
/// UTF-8 bytes into one array per selected counter.
/// <list type="bullet">
/// <item>Header: <c>"(PDH-CSV 4.0) (Time Zone Name)(Bias)"</c> or <c>(PDH-TSV 4.0)</c>, then one counter path per column.</item>
/// <item>Rows: the timestamp <c>MM/dd/yyyy HH:mm:ss.fff</c>, then one value per column; blank or <c>" "</c> is NaN.</item>
/// <item>typeperf's variations: the blank line it prints before the header, the closing messages it
/// prints after the samples when its output is redirected (lines with no separator, no quote),
/// numbers with a decimal comma. Blank lines anywhere are skipped.</item>
/// <item>A UTF-8 byte order mark is skipped; UTF-16 files (with their mark) are transcoded.</item>
/// </list>
/// Malformed input throws <see cref="DumpFormatException"/> naming file, offset, line and problem.
/// Cells spanning lines (a quoted line break) are not supported: PDH paths never hold one.
/// </summary>
public static class PerfCsvReader
{
    /// <summary>Reads the log; only the counters <paramref name="selector"/> selects (all when null) are kept.</summary>
    public static CounterLog Read(string path, CounterSelector? selector = null)
    {
        using var file = Open(path);
        return Read(file, path, selector);
    }

    public static CounterLog Read(Stream stream, string source, CounterSelector? selector = null)
    {
        var input = Decode(stream, out long remaining);
        var lines = new ByteLineReader(input, source);
        var header = ReadHeader(lines, source, out byte separator);
        var columns = header.Counters;
        var seriesOfColumn = new int[columns.Count];
        var paths = new List<CounterPath>();
        for (int c = 0; c < columns.Count; c++)
        {
            bool keep = selector?.Matches(columns[c]) ?? true;
            seriesOfColumn[c] = keep ? paths.Count : -1;
            if (keep) paths.Add(columns[c]);
        }
        var values = new double[paths.Count][];
        var timestamps = new List<DateTime>();
        int count = 0, capacity = 0;
        string? trailer = null;
        while (lines.TryReadLine(out var line))
        {
            if (IsBlank(line)) continue;
            if (line.IndexOf(separator) < 0 && line.TrimStart((byte)' ')[0] != '"')
            {
                trailer ??= Encoding.UTF8.GetString(line);
                continue;
            }
            if (trailer != null) throw Error(source, lines, $"a sample after the closing text '{PdhTextHeader.Shorten(trailer)}'");
            if (count == capacity)
            {
                capacity = count == 0 ? EstimateRows(remaining, lines.LineOffset, line.Length) : checked(capacity + capacity / 2 + 16);
                for (int s = 0; s < values.Length; s++) Array.Resize(ref values[s], capacity);
            }
            timestamps.Add(ParseRow(line, separator, seriesOfColumn, values, count, source, lines, columns));
            count++;
        }
        for (int s = 0; s < values.Length; s++)
            if (values[s]?.Length != count) Array.Resize(ref values[s], count);
        var series = new CounterSeries[paths.Count];
        for (int s = 0; s < series.Length; s++) series[s] = new CounterSeries(paths[s], values[s]);
        return new CounterLog(source, header.Pdh.TimeZone, timestamps, series) { TimeZoneBias = header.Pdh.TimeZoneBias };
    }

    /// <summary>Only the header: dialect, time zone and the counters, without reading the samples.</summary>
    public static PerfCsvHeader ReadHeader(string path)
    {
        using var file = Open(path);
        return ReadHeader(new ByteLineReader(Decode(file, out _), path), path, out _);
    }

    /// <summary>True when the bytes start like a PDH CSV/TSV log (after an optional BOM and blank lines).</summary>
    public static bool LooksLikePdhText(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\xEF\xBB\xBF"u8)) head = head[3..];
        head = head.TrimStart("\r\n \""u8);
        return head.StartsWith("(PDH-CSV"u8) || head.StartsWith("(PDH-TSV"u8)
            || head.StartsWith("\xFF\xFE"u8) || head.StartsWith("\xFE\xFF"u8);
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);

    /// <summary>UTF-16 logs (by their byte order mark) become UTF-8; <paramref name="remaining"/> is the size hint, -1 when unknown.</summary>
    private static Stream Decode(Stream stream, out long remaining)
    {
        remaining = -1;
        if (!stream.CanSeek) return stream;
        long start = stream.Position;
        remaining = stream.Length - start;
        Span<byte> bom = stackalloc byte[2];
        int n = stream.ReadAtLeast(bom, 2, throwOnEndOfStream: false);
        stream.Position = start;
        if (n < 2) return stream;
        Encoding? wide = bom[0] == 0xFF && bom[1] == 0xFE ? Encoding.Unicode : bom[0] == 0xFE && bom[1] == 0xFF ? Encoding.BigEndianUnicode : null;
        if (wide == null) return stream;
        remaining /= 2;
        // The decoder keeps the mark as U+FEFF, which arrives as the UTF-8 mark the header skips.
        return Encoding.CreateTranscodingStream(stream, wide, Encoding.UTF8, leaveOpen: true);
    }

    private static PerfCsvHeader ReadHeader(ByteLineReader lines, string source, out byte separator)
    {
        separator = (byte)',';
        ReadOnlySpan<byte> line;
        do
        {
            if (!lines.TryReadLine(out line)) throw new DumpFormatException(source, 0, "empty: no PDH CSV/TSV header line");
        } while (IsBlank(line));
        if (line.StartsWith("\xEF\xBB\xBF"u8)) line = line[3..];
        var marker = line.TrimStart((byte)'"');
        if (marker.StartsWith("(PDH-TSV"u8)) separator = (byte)'\t';
        var cells = new List<string>();
        int pos = 0;
        while (pos <= line.Length)
        {
            if (!PdhCells.NextCell(line, ref pos, separator, out var cell, out bool escaped, out string? error))
                throw Error(source, lines, $"header, column {cells.Count + 1}: {error}");
            cells.Add(PdhCells.Text(cell, escaped));
        }
        if (!PdhTextHeader.TryParse(cells[0], out var pdh, out string? why)) throw Error(source, lines, why!);
        var counters = new List<CounterPath>(cells.Count - 1);
        for (int c = 1; c < cells.Count; c++)
        {
            if (!CounterPathParser.TryParse(cells[c], out var path, out string? bad))
                throw Error(source, lines, $"header, column {c + 1}: {bad}");
            counters.Add(path);
        }
        return new PerfCsvHeader(pdh, counters);
    }

    private static DateTime ParseRow(ReadOnlySpan<byte> line, byte separator, int[] seriesOfColumn, double[][] values, int row,
        string source, ByteLineReader lines, IReadOnlyList<CounterPath> columns)
    {
        int pos = 0;
        if (!PdhCells.NextCell(line, ref pos, separator, out var cell, out _, out string? error))
            throw Error(source, lines, $"column 1: {error}");
        if (!PdhCells.TryParseTimestamp(cell, out var time))
            throw Error(source, lines, $"column 1: '{PdhTextHeader.Shorten(Encoding.UTF8.GetString(cell))}' is not a timestamp (MM/dd/yyyy HH:mm:ss.fff)");
        int column = 0;
        while (pos <= line.Length)
        {
            if (column == seriesOfColumn.Length)
                throw Error(source, lines, $"more than the header's {columns.Count} counter values");
            int s = seriesOfColumn[column];
            if (s >= 0 && PdhCells.TryQuotedPlainValue(line, ref pos, separator, out values[s][row]))
            {
                column++;
                continue;
            }
            if (!PdhCells.NextCell(line, ref pos, separator, out cell, out _, out error))
                throw Error(source, lines, $"column {column + 2}: {error}");
            if (s >= 0 && !PdhCells.TryParseValue(cell, out values[s][row]))
                throw Error(source, lines, $"column {column + 2} ({columns[column]}): '{PdhTextHeader.Shorten(Encoding.UTF8.GetString(cell))}' is not a number");
            column++;
        }
        if (column != seriesOfColumn.Length)
            throw Error(source, lines, $"{column} counter values, the header names {columns.Count}");
        return time;
    }

    /// <summary>Rows the rest of the file holds if they are as long as the first (plus a margin), so the arrays rarely grow.</summary>
    private static int EstimateRows(long fileBytes, long firstRowOffset, int firstRowBytes)
    {
        if (fileBytes <= 0) return 64;
        long rows = (fileBytes - firstRowOffset) / (firstRowBytes + 1);
        return (int)Math.Clamp(rows + rows / 16 + 16, 16, Array.MaxLength);
    }

    private static bool IsBlank(ReadOnlySpan<byte> line) => line.Trim((byte)' ').IsEmpty;

    private static DumpFormatException Error(string source, ByteLineReader lines, string problem) =>
        new(source, lines.LineOffset, $"line {lines.LineNumber}: {problem}");
}
