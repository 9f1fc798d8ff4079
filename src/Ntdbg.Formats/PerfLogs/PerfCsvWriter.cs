using System.Globalization;
using System.Text;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Writes PDH CSV or TSV counter logs in relog's layout: every cell quoted, CRLF line ends, the
/// header <c>"(PDH-CSV 4.0) (Zone)(Bias)"</c> then the counter paths, each row a timestamp
/// <c>MM/dd/yyyy HH:mm:ss.fff</c> (seven fraction digits when the time has sub-millisecond ticks,
/// so nothing is lost) and the values. Values are printed with round-trip precision (the
/// shortest text that parses back to the same double; relog itself prints six decimals) and NaN
/// as <c>" "</c>, so <see cref="PerfCsvReader"/> reads back exactly the log written.
/// Streams: <see cref="WriteSample"/> one row at a time (the bench writes a 1 GB log this way).
/// </summary>
public sealed class PerfCsvWriter : IDisposable
{
    private readonly Stream _output;
    private readonly bool _leaveOpen;
    private readonly byte _separator;
    private readonly int _columns;
    private byte[] _buffer = new byte[1 << 20];
    private int _used;

    public PerfCsvWriter(Stream output, PerfLogDialect dialect, string? timeZone, int? timeZoneBias, IReadOnlyList<CounterPath> counters, bool leaveOpen = false)
    {
        _output = output;
        _leaveOpen = leaveOpen;
        _separator = dialect == PerfLogDialect.Csv ? (byte)',' : (byte)'\t';
        _columns = counters.Count;
        var pdh = new PdhTextHeader(dialect, "4.0", timeZone, timeZoneBias);
        string first = pdh.Format();
        if (!PdhTextHeader.TryParse(first, out var back, out _) || back.TimeZone != timeZone || back.TimeZoneBias != timeZoneBias || HasLineBreak(first))
            throw new ArgumentException($"the time zone '{timeZone}' cannot be written in a PDH header so that it reads back the same", nameof(timeZone));
        WriteCell(first);
        foreach (var path in counters)
        {
            string text = path.ToString();
            if (!CounterPathParser.TryParse(text, out var parsed, out _) || parsed != path || HasLineBreak(text))
                throw new ArgumentException($"the counter path '{text}' does not read back as the same path", nameof(counters));
            Put(_separator);
            WriteCell(text);
        }
        Put((byte)'\r');
        Put((byte)'\n');
    }

    /// <summary>Writes a log to a file.</summary>
    public static void Write(CounterLog log, string path, PerfLogDialect dialect)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1);
        Write(log, file, dialect);
    }

    public static void Write(CounterLog log, Stream output, PerfLogDialect dialect)
    {
        foreach (var s in log.Series)
            if (s.Values.Length != log.Timestamps.Count)
                throw new ArgumentException($"{s.Path} has {s.Values.Length} values for {log.Timestamps.Count} timestamps", nameof(log));
        using var writer = new PerfCsvWriter(output, dialect, log.TimeZone, log.TimeZoneBias, [.. log.Series.Select(s => s.Path)], leaveOpen: true);
        var row = new double[log.Series.Count];
        for (int r = 0; r < log.Timestamps.Count; r++)
        {
            for (int s = 0; s < row.Length; s++) row[s] = log.Series[s].Values[r];
            writer.WriteSample(log.Timestamps[r], row);
        }
    }

    /// <summary>One sample: its time and one value per counter, in the header's order.</summary>
    public void WriteSample(DateTime timestamp, ReadOnlySpan<double> values)
    {
        if (values.Length != _columns) throw new ArgumentException($"{values.Length} values for {_columns} counters", nameof(values));
        Reserve(40 + values.Length * 36);
        var span = _buffer.AsSpan(_used);
        int n = 0;
        span[n++] = (byte)'"';
        n += FormatTimestamp(timestamp, span[n..]);
        span[n++] = (byte)'"';
        foreach (double v in values)
        {
            span[n++] = _separator;
            span[n++] = (byte)'"';
            if (double.IsNaN(v)) span[n++] = (byte)' ';
            else
            {
                v.TryFormat(span[n..], out int w, "R", CultureInfo.InvariantCulture);
                n += w;
            }
            span[n++] = (byte)'"';
        }
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        _used += n;
    }

    public void Dispose()
    {
        Flush();
        if (!_leaveOpen) _output.Dispose();
    }

    public void Flush()
    {
        _output.Write(_buffer, 0, _used);
        _used = 0;
        _output.Flush();
    }

    private static int FormatTimestamp(DateTime t, Span<byte> into)
    {
        string format = t.Ticks % TimeSpan.TicksPerMillisecond == 0 ? "MM/dd/yyyy HH:mm:ss.fff" : "MM/dd/yyyy HH:mm:ss.fffffff";
        t.TryFormat(into, out int n, format, CultureInfo.InvariantCulture);
        return n;
    }

    private void WriteCell(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes("\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
        Reserve(bytes.Length);
        bytes.CopyTo(_buffer, _used);
        _used += bytes.Length;
    }

    private void Put(byte b)
    {
        Reserve(1);
        _buffer[_used++] = b;
    }

    private void Reserve(int bytes)
    {
        if (_used + bytes <= _buffer.Length) return;
        _output.Write(_buffer, 0, _used);
        _used = 0;
        if (bytes > _buffer.Length) _buffer = new byte[bytes];
    }

    private static bool HasLineBreak(string s) => s.AsSpan().IndexOfAny('\r', '\n') >= 0;
}
