using System.Globalization;
using System.Text;

namespace Ntdbg.Synth.PerfLogs;

/// <summary>
/// Writes a log the way relog / Performance Monitor write CSV or TSV: a header whose first cell is
/// "(PDH-CSV 4.0) (time zone)(bias)", then one quoted cell per counter path; rows with the timestamp
/// as MM/dd/yyyy HH:mm:ss.fff and a blank value (" ") where a sample is missing. Written here, apart
/// from the product's reader, so a reader bug is not mirrored by its own writer.
/// </summary>
public static class PdhCsvWriter
{
    public static string Write(SimulatedPerfLog log, char separator = ',')
    {
        var text = new StringBuilder();
        text.Append(Quote($"(PDH-{(separator == '\t' ? "TSV" : "CSV")} 4.0) ({log.TimeZone})(0)"));
        foreach (var (path, _) in log.Series) text.Append(separator).Append(Quote($"\\\\{log.Machine}{path}"));
        text.Append("\r\n");
        for (int i = 0; i < log.Timestamps.Count; i++)
        {
            text.Append(Quote(log.Timestamps[i].ToString("MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture)));
            foreach (var (_, values) in log.Series)
                text.Append(separator).Append(Quote(double.IsFinite(values[i]) ? values[i].ToString("R", CultureInfo.InvariantCulture) : " "));
            text.Append("\r\n");
        }
        return text.ToString();
    }

    static string Quote(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";
}
