using System.Text.RegularExpressions;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>llvm-pdbutil's `dump -symbols` (per module) and `dump -globals` output split into records.</summary>
public static partial class LlvmSymbolDump
{
    public sealed record Record(int Offset, string Kind, string? Name, string Text);

    /// <summary>Records by module index (`dump -symbols`).</summary>
    public static Dictionary<int, List<Record>> Modules(string pdb) => Split(Tools.Run(LlvmPdbUtil.Tool, "dump", "-symbols", pdb), byModule: true);

    public static List<Record> Globals(string pdb) =>
        Split(Tools.Run(LlvmPdbUtil.Tool, "dump", "-globals", pdb), byModule: false).GetValueOrDefault(-1) ?? [];

    private static Dictionary<int, List<Record>> Split(string output, bool byModule)
    {
        var result = new Dictionary<int, List<Record>>();
        int module = -1;
        List<Record>? current = byModule ? null : (result[-1] = []);
        (int Offset, string Kind, string? Name, System.Text.StringBuilder Text)? open = null;
        void Close()
        {
            if (open is { } o && current != null) current.Add(new Record(o.Offset, o.Kind, o.Name, o.Text.ToString()));
            open = null;
        }
        foreach (var line in output.Split('\n'))
        {
            var mod = ModuleHeader().Match(line);
            if (byModule && mod.Success)
            {
                Close();
                module = int.Parse(mod.Groups[1].Value);
                current = result[module] = [];
                continue;
            }
            var rec = RecordHeader().Match(line);
            if (rec.Success)
            {
                Close();
                open = (int.Parse(rec.Groups[1].Value), rec.Groups[2].Value, rec.Groups[3].Success ? rec.Groups[3].Value : null,
                    new System.Text.StringBuilder(line));
                continue;
            }
            open?.Text.Append('\n').Append(line);
        }
        Close();
        return result;
    }

    [GeneratedRegex(@"^\s*Mod (\d+) \|")] private static partial Regex ModuleHeader();
    [GeneratedRegex(@"^\s*(\d+) \| (S_\w+) \[size = \d+\](?: `(.*)`(?: \(addr = [^)]*\))?\s*$)?")] private static partial Regex RecordHeader();
}
