using System.Globalization;
using System.Text.RegularExpressions;

namespace Ntdbg.Tests.KernelDump;

/// <summary>
/// Reads rizin's regression-test expectations (shared/testdata/kernel/rizin_dmp_expected_x64.txt):
/// one NAME=/EXPECT= block per test, "  Field : 0x..." lines per header and "reg = 0x..." lines.
/// </summary>
public sealed class RizinExpected
{
    private RizinExpected(Dictionary<string, Dictionary<string, ulong>> sections, Dictionary<string, ulong> registers)
    {
        Sections = sections;
        Registers = registers;
    }

    /// <summary>Section name ("DUMP_HEADER64", "TRIAGE_DUMP64", "BITMAP_DUMP") → field → value.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, ulong>> Sections { get; }
    public IReadOnlyDictionary<string, ulong> Registers { get; }

    /// <summary>The expectations of the rizin test whose NAME= line contains <paramref name="testName"/>.</summary>
    public static RizinExpected Load(string path, string testName)
    {
        var lines = File.ReadAllLines(path);
        int start = Array.FindIndex(lines, l => l.StartsWith("NAME=") && l.Contains(testName));
        if (start < 0) throw new InvalidOperationException($"no rizin test named {testName}");
        int expect = Array.FindIndex(lines, start, l => l.StartsWith("EXPECT="));
        var sections = new Dictionary<string, Dictionary<string, ulong>>();
        var registers = new Dictionary<string, ulong>();
        Dictionary<string, ulong>? current = null;
        var field = new Regex(@"^\s+(\w+) : 0x([0-9a-fA-F]+)");
        var reg = new Regex(@"^(\w+) = 0x([0-9a-fA-F]+)$");
        for (int i = expect + 1; i < lines.Length && lines[i] != "EOF"; i++)
        {
            string line = lines[i];
            if (Regex.IsMatch(line, @"^[A-Z_0-9]+:$")) { current = sections[line.TrimEnd(':')] = []; continue; }
            var m = field.Match(line);
            if (m.Success && current != null) { current[m.Groups[1].Value] = ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber); continue; }
            m = reg.Match(line);
            if (m.Success) registers[m.Groups[1].Value] = ulong.Parse(m.Groups[2].Value, NumberStyles.HexNumber);
        }
        return new RizinExpected(sections, registers);
    }
}
