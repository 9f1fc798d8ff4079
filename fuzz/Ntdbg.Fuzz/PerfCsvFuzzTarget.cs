using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for the PDH CSV/TSV reader: read (only DumpFormatException may escape), touch every
/// value, select with wildcards, then write what was read back out in both dialects and read it
/// again: a log the reader accepted must round-trip exactly, or the writer must refuse it with
/// ArgumentException (a time zone text the header cannot hold unambiguously).
/// </summary>
public static class PerfCsvFuzzTarget
{
    public static void Run(byte[] input)
    {
        var log = PerfCsvReader.Read(new MemoryStream(input, writable: false), "fuzz.csv");
        double sum = 0;
        foreach (var s in log.Series)
            foreach (double v in s.Values) sum += double.IsNaN(v) ? 0 : v;
        _ = sum;
        foreach (var pattern in new[] { @"\*(*)\*", @"\Memory\*", @"\\*\Process(*)\Private Bytes" })
            _ = new CounterSelector([pattern]).Select(log).Count();
        foreach (var s in log.Series) _ = s.Path.InstanceParts();
        foreach (var dialect in new[] { PerfLogDialect.Csv, PerfLogDialect.Tsv })
        {
            var bytes = new MemoryStream();
            try { PerfCsvWriter.Write(log, bytes, dialect); }
            catch (ArgumentException) { return; }
            bytes.Position = 0;
            var back = PerfCsvReader.Read(bytes, "fuzz-back.csv");
            if (!Same(log, back)) throw new InvalidOperationException($"{dialect}: the log read back differs from the log written");
        }
    }

    private static bool Same(CounterLog a, CounterLog b)
    {
        if (a.TimeZone != b.TimeZone || a.TimeZoneBias != b.TimeZoneBias || !a.Timestamps.SequenceEqual(b.Timestamps) || a.Series.Count != b.Series.Count) return false;
        for (int s = 0; s < a.Series.Count; s++)
        {
            if (a.Series[s].Path != b.Series[s].Path) return false;
            var x = a.Series[s].Values;
            var y = b.Series[s].Values;
            if (x.Length != y.Length) return false;
            for (int i = 0; i < x.Length; i++)
                if (!(double.IsNaN(x[i]) ? double.IsNaN(y[i]) : BitConverter.DoubleToInt64Bits(x[i]) == BitConverter.DoubleToInt64Bits(y[i]))) return false;
        }
        return true;
    }
}
