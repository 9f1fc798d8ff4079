using System.Globalization;

namespace Ntdbg.Tests.Minidump;

/// <summary>
/// Reads breakpad's minidump_dump text (minidump2.dump.out): a sequence of titled blocks
/// ("MDRawThread", "MDRawModule", "MDException", "MDRawContextX86"...) of "  key = value" lines.
/// </summary>
public sealed class BreakpadDumpOut
{
    public sealed record Block(string Title, Dictionary<string, string> Fields)
    {
        public string this[string key] => Fields[key];

        /// <summary>The leading number of a value ("0x45d35f6c 2007-02-14 ..." → 0x45d35f6c; "100" → 100).</summary>
        public ulong Number(string key)
        {
            string v = Fields[key].Split(' ')[0];
            return v.StartsWith("0x") ? ulong.Parse(v[2..], NumberStyles.HexNumber) : ulong.Parse(v, CultureInfo.InvariantCulture);
        }

        /// <summary>A quoted string value, unquoted; null for "(null)".</summary>
        public string? Text(string key)
        {
            string v = Fields[key];
            return v.StartsWith('"') && v.EndsWith('"') ? v[1..^1] : null;
        }
    }

    public List<Block> Blocks { get; } = [];

    public static BreakpadDumpOut Parse(string text)
    {
        var result = new BreakpadDumpOut();
        Block? current = null;
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Length == 0) { current = null; continue; }
            if (!line.StartsWith(' ') && !line.StartsWith("0x") && line.All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                current = new Block(line, []);
                result.Blocks.Add(current);
                continue;
            }
            if (current == null || !line.StartsWith("  ")) continue;
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            if (eq < 0) continue;
            current.Fields[line[..eq].Trim()] = line[(eq + 3)..].Trim();
        }
        return result;
    }

    public IEnumerable<Block> All(string title) => Blocks.Where(b => b.Title == title);

    /// <summary>The block titled <paramref name="title"/> that directly follows the given block.</summary>
    public Block? Following(Block block, string title)
    {
        int i = Blocks.IndexOf(block);
        return i >= 0 && i + 1 < Blocks.Count && Blocks[i + 1].Title == title ? Blocks[i + 1] : null;
    }
}
