using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for the perfmon .blg reader: decode (ETW buffers, PDH records, perflib blocks,
/// cooking), then use everything decoded: every value, the time zone, and the CSV writer.
/// </summary>
public static class BlgFuzzTarget
{
    public static void Run(byte[] input)
    {
        var (log, header) = BlgReader.Read(input, "fuzz.blg");
        _ = header.TimeZone.NameAt(header.StartUtc);
        double sum = 0;
        foreach (var s in log.Series)
            foreach (var v in s.Values) sum += double.IsFinite(v) ? v : 0;
        _ = sum;
        using var csv = new MemoryStream();
        try
        {
            PerfCsvWriter.Write(log, csv, PerfLogDialect.Csv);
        }
        catch (ArgumentException)
        {
            // a mutated name that a CSV header cannot hold (a quote or line break) is refused, not a bug
        }
    }
}
