using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// Runs llvm-pdbutil (the independent oracle) and parses the parts of its output the tests compare.
/// </summary>
public static partial class LlvmPdbUtil
{
    public const string Tool = "llvm-pdbutil";

    public static bool Available => Tools.Find(Tool) != null;

    public sealed record Public(string Name, ushort Section, uint Offset, string Flags);

    public static List<Public> Publics(string pdb)
    {
        var lines = Tools.Run(Tool, "dump", "-publics", pdb).Split('\n');
        var list = new List<Public>();
        for (int i = 0; i < lines.Length; i++)
        {
            var m = PubRecord().Match(lines[i]);
            if (!m.Success) continue;
            var a = PubAddr().Match(lines[i + 1]);
            Assert.True(a.Success, $"unexpected llvm-pdbutil line: {lines[i + 1]}");
            list.Add(new Public(m.Groups[1].Value, ushort.Parse(a.Groups[2].Value), uint.Parse(a.Groups[3].Value), a.Groups[1].Value.Trim()));
        }
        return list;
    }

    /// <summary>Virtual addresses of the section headers (first table: the image's current headers).</summary>
    public static List<uint> SectionAddresses(string pdb, bool original = false)
    {
        var text = Tools.Run(Tool, "dump", "-section-headers", pdb);
        int split = text.IndexOf("Original Section Headers", StringComparison.Ordinal);
        if (split >= 0) text = original ? text[split..] : text[..split];
        else if (original) return [];
        var list = new List<uint>();
        foreach (Match m in VirtualAddress().Matches(text)) list.Add(uint.Parse(m.Groups[1].Value, NumberStyles.HexNumber));
        return list;
    }

    public sealed record Summary(uint Age, Guid Guid, uint Signature);

    public static Summary ReadSummary(string pdb)
    {
        var text = Tools.Run(Tool, "dump", "-summary", pdb);
        uint age = uint.Parse(Regex.Match(text, @"^\s*Age: (\d+)", RegexOptions.Multiline).Groups[1].Value);
        var guid = Guid.Parse(Regex.Match(text, @"GUID: \{([0-9A-Fa-f-]+)\}").Groups[1].Value);
        uint sig = uint.Parse(Regex.Match(text, @"Signature: (\d+)").Groups[1].Value);
        return new Summary(age, guid, sig);
    }

    public static uint DbiAge(string pdb)
    {
        var text = Tools.Run(Tool, "pdb2yaml", "-dbi-stream", pdb);
        int at = text.IndexOf("DbiStream:", StringComparison.Ordinal);
        Assert.True(at >= 0, "pdb2yaml printed no DbiStream");
        return uint.Parse(Regex.Match(text[at..], @"Age:\s+(\d+)").Groups[1].Value);
    }

    public sealed record Module(int Index, string Name, string Object, int DebugStream);

    public static List<Module> Modules(string pdb)
    {
        var lines = Tools.Run(Tool, "dump", "-modules", pdb).Split('\n');
        var list = new List<Module>();
        for (int i = 0; i + 2 < lines.Length; i++)
        {
            var m = ModLine().Match(lines[i]);
            if (!m.Success) continue;
            var o = ObjLine().Match(lines[i + 1]);
            var d = DebugLine().Match(lines[i + 2]);
            Assert.True(o.Success && d.Success, $"unexpected llvm-pdbutil module lines at: {lines[i]}");
            list.Add(new Module(int.Parse(m.Groups[1].Value), m.Groups[2].Value, o.Groups[1].Value, int.Parse(d.Groups[1].Value)));
        }
        return list;
    }

    [GeneratedRegex(@"^\s*\d+ \| S_PUB32 \[size = \d+\] `(.*)`\s*$")] private static partial Regex PubRecord();
    [GeneratedRegex(@"^\s*flags = (.*), addr = (\d+):(\d+)\s*$")] private static partial Regex PubAddr();
    [GeneratedRegex(@"^\s*([0-9A-F]+) virtual address\s*$", RegexOptions.Multiline)] private static partial Regex VirtualAddress();
    [GeneratedRegex(@"^\s*Mod (\d+) \| `(.*)`:\s*$")] private static partial Regex ModLine();
    [GeneratedRegex(@"^\s*Obj: `(.*)`:\s*$")] private static partial Regex ObjLine();
    [GeneratedRegex(@"^\s*debug stream: (\d+),")] private static partial Regex DebugLine();
}
