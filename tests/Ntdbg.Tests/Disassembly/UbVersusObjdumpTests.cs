using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Stacks.Disassembly;
using Ntdbg.Targets;
using Ntdbg.Tests.Support;
using Ntdbg.Tests.Symbols;

namespace Ntdbg.Tests.Disassembly;

/// <summary>
/// `ub` on return addresses of a real driver (amdppm.sys from the shared store): the instruction
/// found just before each is exactly the call `llvm-objdump -d` shows there, with no symbols
/// to help (the heuristic search for instruction boundaries alone).
/// </summary>
public sealed class UbVersusObjdumpTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly Regex CallLine = new(@"^\s*([0-9a-f]+):\s+((?:[0-9a-f]{2} )+)\s*call", RegexOptions.Multiline);

    [SharedDataFact(SymbolTestFiles.StoreDir)]
    public void TheInstructionBeforeEachReturnAddressIsTheCall()
    {
        if (Tools.Find("llvm-objdump") == null) Assert.Fail("llvm-objdump is needed (package llvm)");
        string image = SymbolTestFiles.FindFile("amdppm.sys");
        var calls = CallLine.Matches(Tools.Run("llvm-objdump", "-d", image))
            .Select(m => (Address: ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber), Length: m.Groups[2].Value.Trim().Split(' ').Length))
            .ToList();
        Assert.True(calls.Count > 1000, $"{calls.Count} calls");
        var sample = calls.OrderBy(_ => Random.Shared.Next()).Take(1000).ToList();

        using var target = TargetLoader.Open(image);
        var dis = new X86Disassembler(target.Memory, 8, _ => null);
        var starts = new FunctionStarts(target.Memory);
        ulong imageBase = target.Modules[0].Base;
        int exact = 0, heuristic = 0;
        var misses = new List<string>();
        foreach (var (address, length) in sample)
        {
            ulong ret = address + (ulong)length;
            // As `ub` does it: from the .pdata function start, the decode is exact.
            var before = dis.Backward(ret, 1, starts.Find(imageBase, ret - 1), out _);
            if (before.Count == 1 && before[0].Address == address && before[0].IsCall) exact++;
            else if (misses.Count < 10) misses.Add($"{ret:x}: {(before.Count == 1 ? $"{before[0].Address:x} {before[0].Text}" : "nothing")}, objdump call at {address:x}");
            // Without any function start, the boundary search alone.
            var guess = dis.Backward(ret, 1, null, out _);
            if (guess.Count == 1 && guess[0].Address == address) heuristic++;
        }
        foreach (var m in misses) output.WriteLine(m);
        output.WriteLine($"exact from .pdata: {exact}/{sample.Count}; boundary search alone: {heuristic}/{sample.Count}");
        Assert.Equal(sample.Count, exact);
        Assert.True(heuristic >= sample.Count * 9 / 10, $"boundary search alone found {heuristic}/{sample.Count}");
    }
}
