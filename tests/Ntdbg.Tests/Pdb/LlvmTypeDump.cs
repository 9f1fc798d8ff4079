using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// llvm-pdbutil's `dump -types` / `dump -ids` output, split into records (index, leaf, name and
/// the indented lines under it).
/// </summary>
public static partial class LlvmTypeDump
{
    public sealed record Record(uint Index, string Leaf, string? Name, List<string> Lines);

    public static List<Record> Read(string pdb, bool ids = false)
    {
        var lines = Tools.Run(LlvmPdbUtil.Tool, "dump", ids ? "-ids" : "-types", pdb).Split('\n');
        var list = new List<Record>();
        foreach (var line in lines)
        {
            var m = Header().Match(line);
            if (m.Success)
            {
                list.Add(new Record(Hex(m.Groups[1].Value), m.Groups[2].Value, m.Groups[3].Success ? m.Groups[3].Value : null, []));
                // LF_STRING_ID prints its fields on the header line.
                if (m.Groups[4].Success) list[^1].Lines.Add(m.Groups[4].Value);
                continue;
            }
            if (list.Count > 0 && line.Trim().Length > 0) list[^1].Lines.Add(line.Trim());
        }
        return list;
    }

    public static uint Hex(string s) => uint.Parse(s.StartsWith("0x", StringComparison.Ordinal) ? s[2..] : s, NumberStyles.HexNumber);

    /// <summary>A type reference as printed: "0x1002", "0x0074 (int)", or "&lt;no type&gt;" (0).</summary>
    public static uint TypeRef(string s) => s == "<no type>" ? 0 : Hex(s.Split(' ')[0]);

    [GeneratedRegex(@"^\s*0x([0-9A-F]+) \| (LF_\w+) \[size = \d+\](?: `(.*)`| (ID: .*))?\s*$")] private static partial Regex Header();
}
