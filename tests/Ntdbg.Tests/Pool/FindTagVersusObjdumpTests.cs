using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Analyses.Pool;
using Ntdbg.Tests.Support;
using Xunit;

namespace Ntdbg.Tests.Pool;

/// <summary>
/// `pool findtag` on the real drivers of the shared symbol store against llvm-objdump: the call
/// sites where objdump shows `movl $tag, %r8d|%edx` within the few instructions before a
/// `callq *[rip]` through the IAT slot of an Ex*Pool* import (slot → name from `llvm-objdump -p`)
/// must be exactly the pool calls ntdbg ties the same register immediate to.
/// </summary>
public sealed partial class FindTagVersusObjdumpTests
{
    private const string Store = "kernel/symstore";

    [ToolFact("llvm-objdump")]
    public void PoolCallSitesMatchObjdump()
    {
        foreach (var (driver, tag) in new[] { ("amdppm.sys", "Prcr"), ("Wdf01000.sys", "FxDr"), ("Wdf01000.sys", "FxLg") })
        {
            string file = Directory.GetFiles(TestData.Shared(Path.Combine(Store, driver)), driver, SearchOption.AllDirectories).Single();
            var expected = ObjdumpPoolCalls(file, PoolTagPattern.Parse(tag).Value);
            var code = new List<PoolTagCodeHit>();
            PoolTagFinder.FindInFile(file, PoolTagPattern.Parse(tag), null, code, []);
            var actual = code.Where(h => h.IsPoolCall && RegisterArgument().IsMatch(h.Instruction))
                .Select(h => h.CallRva!.Value).ToHashSet();
            Assert.NotEmpty(expected);
            Assert.True(expected.SetEquals(actual),
                $"{driver} '{tag}': objdump only {Hexes(expected.Except(actual))}; ntdbg only {Hexes(actual.Except(expected))}");
        }
    }

    [SharedDataFact(Store + "/amdppm.pdb")]
    public void NamesFunctionsFromThePdbInTheStore()
    {
        var result = PoolTagFinder.FindInDirectory(TestData.Shared(Store), PoolTagPattern.Parse("Prcr"));
        var amdppm = result.CodeHits.Where(h => h.Module == "amdppm.sys" && h.IsPoolCall).ToList();
        Assert.NotEmpty(amdppm);
        // Every hit lies inside the function the PDB names for it (start at or before the hit).
        Assert.All(amdppm, h => Assert.True(h.Function != null && h.FunctionRva <= h.Rva, $"{h.Rva:x}: {h.Function}"));
    }

    private static string Hexes(IEnumerable<uint> values) => string.Join(",", values.Select(v => v.ToString("x", CultureInfo.InvariantCulture)));

    private static HashSet<uint> ObjdumpPoolCalls(string file, uint tag)
    {
        string headers = Tools.Run("llvm-objdump", "-p", file);
        ulong imageBase = ulong.Parse(ImageBaseLine().Match(headers).Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var iat = new Dictionary<ulong, string>();
        ulong? table = null;
        int index = 0;
        foreach (var line in headers.Split('\n'))
        {
            var m = ImportAddressLine().Match(line);
            if (m.Success) { table = ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture); index = 0; continue; }
            var f = ImportNameLine().Match(line);
            if (f.Success && table != null) iat[imageBase + table.Value + (ulong)(8 * index++)] = f.Groups[1].Value;
        }
        var lines = Tools.Run("llvm-objdump", "-d", "--no-show-raw-insn", file).Split('\n').Where(l => InstructionLine().IsMatch(l)).ToList();
        var calls = new HashSet<uint>();
        for (int n = 0; n < lines.Count; n++)
        {
            var call = IndirectCall().Match(lines[n]);
            if (!call.Success) continue;
            ulong slot = ulong.Parse(call.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (!iat.TryGetValue(slot, out var name) || !PoolTagFinder.PoolRoutines.Contains(name)) continue;
            for (int k = 1; k <= PoolTagFinder.CallWindow && n - k >= 0; k++)
            {
                var mov = MovImmediate().Match(lines[n - k]);
                if (!mov.Success) continue;
                string v = mov.Groups[1].Value;
                uint value = v.StartsWith("0x", StringComparison.Ordinal)
                    ? uint.Parse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
                    : (uint)long.Parse(v, CultureInfo.InvariantCulture);
                if (value == tag) calls.Add((uint)(ulong.Parse(call.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture) - imageBase));
            }
        }
        return calls;
    }

    [GeneratedRegex(@"^ImageBase\s+([0-9a-f]+)", RegexOptions.Multiline)]
    private static partial Regex ImageBaseLine();
    [GeneratedRegex(@" addr ([0-9a-f]+)\s*$")]
    private static partial Regex ImportAddressLine();
    [GeneratedRegex(@"^\s+\d+\s+([A-Za-z_]\w*)\s*$")]
    private static partial Regex ImportNameLine();
    [GeneratedRegex(@"^\s*[0-9a-f]+:")]
    private static partial Regex InstructionLine();
    [GeneratedRegex(@"^\s*([0-9a-f]+):\s+callq\s+\*.*# 0x([0-9a-f]+)")]
    private static partial Regex IndirectCall();
    [GeneratedRegex(@"movl\s+\$(\d+|0x[0-9a-f]+), %(r8d|edx)")]
    private static partial Regex MovImmediate();
    [GeneratedRegex(@"^mov\s+(r8d|edx),")]
    private static partial Regex RegisterArgument();
}
