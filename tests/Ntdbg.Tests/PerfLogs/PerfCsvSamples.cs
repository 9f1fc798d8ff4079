using System.Text;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>
/// Hand-written samples of each dialect of PDH text counter logs, and where their details come from.
/// <list type="bullet">
/// <item>The layout common to all: PDH's "Log File Formats" page (Platform SDK, Performance
/// Monitoring: fields delimited by double quotes and commas or tabs; the first line is a header
/// naming the format, the PDH version and each counter's path). The header's time zone part
/// <c>(Zone Name)(Bias)</c> and the <c>MM/dd/yyyy HH:mm:ss.fff</c> timestamps are as relog and
/// typeperf print them (the issue's own description of the format; the bias in minutes with
/// Windows' sign, 480 for Pacific Standard Time).</item>
/// <item>Counter paths: <c>\\Computer\PerfObject(ParentInstance/ObjectInstance#InstanceIndex)\Counter</c>
/// (wtrace.net's performance counter guide, the PDH path syntax); instance names holding
/// backslashes and parentheses (the paging file's <c>\??\C:\pagefile.sys</c>, <c>(x86)</c> process
/// names) are what PDH enumerates on real machines.</item>
/// <item>relog CSV/TSV (<c>relog in.blg -f csv|tsv</c>): every cell quoted, CRLF, the first sample's
/// rate counters (/sec, % time) blank as <c>" "</c> because a rate needs two samples.</item>
/// <item>typeperf (<c>typeperf ... &gt; out.csv</c>, its console output redirected): a blank
/// line before the header and its closing messages after the samples; values as the user's
/// locale prints them (a decimal comma). Recalled from typeperf's console output, not from a
/// capture in this repository.</item>
/// <item>Performance Monitor's "Save Data As" (text, comma delimited): the same PDH-CSV layout
/// written from the graph's data; the sample below adds a UTF-8 byte order mark and LF-only
/// line ends, variations a file gains when re-saved by other tools.</item>
/// </list>
/// </summary>
public static class PerfCsvSamples
{
    public const string RelogCsv =
        "\"(PDH-CSV 4.0) (Pacific Standard Time)(480)\",\"\\\\WEB01\\Memory\\Pool Nonpaged Bytes\",\"\\\\WEB01\\Memory\\Pool Paged Bytes\",\"\\\\WEB01\\Processor(_Total)\\% Processor Time\",\"\\\\WEB01\\Process(svchost#1)\\Private Bytes\",\"\\\\DB02\\Memory\\Pool Nonpaged Bytes\",\"\\\\DB02\\Paging File(\\??\\C:\\pagefile.sys)\\% Usage\"\r\n"
        + "\"01/15/2024 09:00:00.123\",\"52428800\",\"104857600\",\" \",\"8192000\",\"31457280\",\"12.500000\"\r\n"
        + "\"01/15/2024 09:00:15.125\",\"52432896\",\"104861696\",\"7.812500\",\"8196096\",\"31461376\",\"12.600000\"\r\n"
        + "\"01/15/2024 09:00:30.131\",\"52436992\",\"\",\"15.625000\",\" \",\"31465472\",\"12.700000\"\r\n";

    /// <summary>The relog CSV's data with tabs, as <c>relog -f tsv</c> writes it.</summary>
    public static string RelogTsv => RelogCsv.Replace("\",\"", "\"\t\"", StringComparison.Ordinal).Replace("PDH-CSV", "PDH-TSV", StringComparison.Ordinal);

    public const string TypeperfCsv =
        "\r\n"
        + "\"(PDH-CSV 4.0) (W. Europe Standard Time)(-60)\",\"\\\\PC-7\\Memory\\Pool Paged Bytes\",\"\\\\PC-7\\Processor(0)\\% Processor Time\"\r\n"
        + "\"03/31/2024 01:59:59.500\",\"208080896\",\"3,125\"\r\n"
        + "\"03/31/2024 03:00:00.500\",\"208084992\",\"0.000000\"\r\n"
        + "Exiting, please wait...\r\n"
        + "The command completed successfully.\r\n";

    public const string PerfmonSaveAsCsv =
        "\uFEFF\"(PDH-CSV 4.0) (Coordinated Universal Time)(0)\",\"\\\\LAB-HOST\\Memory\\Pool Nonpaged Bytes\",\"\\\\LAB-HOST\\Memory\\Pool Paged Bytes\"\n"
        + "\"12/31/2023 23:59:59.000\",\"1.5E+08\",\"2.5e8\"\n"
        + "\"01/01/2024 00:00:00.000\",\"150000000\",\" \"\n";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static List<byte[]> FuzzSeeds() =>
        [Utf8(RelogCsv), Utf8(RelogTsv), Utf8(TypeperfCsv), Utf8(PerfmonSaveAsCsv), Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(RelogCsv)).ToArray()];
}
