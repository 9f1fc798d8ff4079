using System.Globalization;
using System.Text.RegularExpressions;

namespace Ntdbg.Tests.Pe;

/// <summary>
/// Reads `!dh` text back into values: header lines ("value label"), the 16 directory lines and
/// the SECTION HEADER blocks, so tests can compare what was printed with an oracle.
/// </summary>
public sealed class DhOutput
{
    private static readonly Regex Directory = new(@"^\s*([0-9A-F]+) \[\s*([0-9A-F]+)\] address \[size\] of (.+) Directory$");
    private static readonly Regex Value = new(@"^\s*([0-9A-Fa-f.]+) {1,2}(\S.*)$");

    public Dictionary<string, string> Headers { get; } = [];
    public List<(string Name, ulong Rva, ulong Size)> Directories { get; } = [];
    public List<Dictionary<string, string>> Sections { get; } = [];
    /// <summary>Flag lines under "characteristics", "DLL characteristics" and each section's "flags".</summary>
    public List<string> FileFlags { get; } = [];
    public List<string> DllFlags { get; } = [];
    public List<List<string>> SectionFlags { get; } = [];
    public List<string> DebugRows { get; } = [];

    public static DhOutput Parse(string text)
    {
        var d = new DhOutput();
        Dictionary<string, string>? section = null;
        List<string>? flags = null;
        bool debug = false;
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) { flags = null; continue; }
            if (line.StartsWith("SECTION HEADER #", StringComparison.Ordinal))
            {
                section = [];
                d.Sections.Add(section);
                d.SectionFlags.Add([]);
                flags = null;
                debug = false;
                continue;
            }
            if (line.StartsWith("Debug Directories(", StringComparison.Ordinal)) { debug = true; flags = null; continue; }
            if (debug)
            {
                if (line.StartsWith('\t') && !line.Contains("Type       Size", StringComparison.Ordinal)) d.DebugRows.Add(line);
                continue;
            }
            // Values are right-aligned in 8 columns, so 9 leading spaces mean a decoded flag line.
            if (line.StartsWith("         ", StringComparison.Ordinal))
            {
                flags?.Add(line.Trim());
                continue;
            }
            var m = Directory.Match(line);
            if (m.Success)
            {
                d.Directories.Add((m.Groups[3].Value, ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber), ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber)));
                flags = null;
                continue;
            }
            if (section != null && line.EndsWith(" name", StringComparison.Ordinal))
            {
                section["name"] = line[..^5].Trim();
                continue;
            }
            m = Value.Match(line);
            if (!m.Success) continue;
            string label = m.Groups[2].Value;
            var target = section ?? d.Headers;
            // "machine (X64)", "subsystem (Native)", "time date stamp Mon ..." keep their text after the key.
            string key = label.StartsWith("machine", StringComparison.Ordinal) ? "machine"
                : label.StartsWith("subsystem (", StringComparison.Ordinal) ? "subsystem"
                : label.StartsWith("time date stamp", StringComparison.Ordinal) ? "time date stamp"
                : label;
            target[key] = m.Groups[1].Value;
            if (key == "characteristics" && section == null) flags = d.FileFlags;
            else if (key == "DLL characteristics") flags = d.DllFlags;
            else if (key == "flags" && section != null) flags = d.SectionFlags[^1];
            else flags = null;
        }
        return d;
    }

    public static ulong Hex(string v) => ulong.Parse(v, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
