using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Commands;

/// <summary>
/// Rebuilds the memory the blog's WinDbg sessions looked at from their own output, runs the same
/// commands, and checks that ntdbg prints the lines WinDbg printed.
/// </summary>
public class SeedLayoutTests
{
    private static readonly Regex DcLine = new(@"^([0-9a-f]{8})  ((?:[0-9a-f]{8} ){3}[0-9a-f]{8})  (.{1,16})$");
    private static readonly Regex DbLine = new(@"^([0-9a-f]{8}`[0-9a-f]{8})  ((?:[0-9a-f]{2}[ -]){15}[0-9a-f]{2})  (.+)$");

    [SeedFact]
    public void DcMatchesTheBlogsDump()
    {
        var expected = Seed.OutputOf("dc 8b5cf000-1000*3", l => DcLine.IsMatch(l));
        Assert.Equal(8, expected.Count);
        var t = new FakeTarget { Machine = Machine.X86, Kind = TargetKind.KernelDump };
        foreach (var line in expected)
        {
            var m = DcLine.Match(line);
            ulong addr = ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber);
            var bytes = m.Groups[2].Value.Split(' ').SelectMany(d => BitConverter.GetBytes(uint.Parse(d, NumberStyles.HexNumber))).ToArray();
            t.Regions.Add(addr, bytes);
        }
        var session = new Ntdbg.Commands.Session.DebugSession(t);
        var text = Run.Text(t, "dc 8b5cf000-1000*3", session).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, text.Select(l => l.TrimEnd('\r')));
    }

    [SeedFact]
    public void ForEachModuleSearchMatchesTheBlog()
    {
        var expected = Seed.OutputOf("!for_each_module s -a @#Base @#End \"Leak\"", l => DbLine.IsMatch(l));
        Assert.Equal(2, expected.Count);
        var t = new FakeTarget { Kind = TargetKind.KernelDump };
        // The module from the blog's `lm a` output, filled with zeros except the two hits.
        var lm = Seed.OutputOf("lm a fffff880`044b63aa", l => l.StartsWith("start", StringComparison.Ordinal) || l.StartsWith("fffff880", StringComparison.Ordinal));
        Assert.Equal(2, lm.Count);
        var parts = lm[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        ulong start = ulong.Parse(parts[0].Replace("`", ""), NumberStyles.HexNumber);
        ulong end = ulong.Parse(parts[1].Replace("`", ""), NumberStyles.HexNumber);
        var image = new byte[end - start];
        foreach (var line in expected)
        {
            var m = DbLine.Match(line);
            ulong addr = ulong.Parse(m.Groups[1].Value.Replace("`", ""), NumberStyles.HexNumber);
            var bytes = m.Groups[2].Value.Split(' ', '-').Select(b => byte.Parse(b, NumberStyles.HexNumber)).ToArray();
            bytes.CopyTo(image, (int)(addr - start));
        }
        t.Regions.Add(start, image);
        t.ModuleList.Add(new ModuleInfo(@"\SystemRoot\system32\drivers\myfault.sys", start, end - start, 0, 0));

        var lines = Run.Lines(t, "!for_each_module s -a @#Base @#End \"Leak\"");
        Assert.Equal(expected, lines);

        var lmLines = Run.Lines(t, "lm a fffff880`044b63aa");
        Assert.Equal(lm[0], lmLines[0]);
        // WinDbg's symbol column said "(no symbols)"; ntdbg has not tried symbols yet, so it says "(deferred)".
        Assert.Equal(lm[1].Replace("(no symbols)", "").TrimEnd(), lmLines[1].Replace("(deferred)", "").TrimEnd());
    }
}
