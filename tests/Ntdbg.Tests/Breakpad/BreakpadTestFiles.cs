using System.Text;
using System.Text.RegularExpressions;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Breakpad;

/// <summary>
/// The real breakpad symbol files in ../shared/testdata, and plain-text views of them the tests
/// compare the reader against (record lines picked out with regular expressions, as `grep` would).
/// </summary>
public static partial class BreakpadTestFiles
{
    public const string TestApp = "user/breakpad/symbols/test_app.pdb/5A9832E5287241C1838ED98914E9B7FF1/test_app.sym";
    public const string Kernel32 = "user/breakpad/symbols/kernel32.pdb/BCE8785C57B44245A669896B6A19B9542/kernel32.sym";
    public const string Regtest64 = "pdb/dump_syms_regtest64.sym";
    public const string Regtest64Pdb = "pdb/dump_syms_regtest64.pdb";
    public const string SymbolRoot = "user/breakpad/symbols";
    public const string DumpFile = "user/breakpad/minidump2.dmp";
    public const string StackwalkOut = "user/breakpad/minidump2.stackwalk.out";

    public static readonly string[] All = [TestApp, Kernel32, Regtest64];

    /// <summary>A small file with every record kind, for runs without the shared data.</summary>
    public const string Synthetic = """
        MODULE windows x86 0123456789ABCDEF0123456789ABCDEF1 synth.pdb
        INFO CODE_ID 4A5B6C7D2000 synth.exe
        FILE 0 c:\src\a.cc
        FILE 1 c:\src\b.h
        INLINE_ORIGIN 0 inlined()
        FUNC 1000 40 4 outer(int)
        INLINE 0 12 0 0 1008 8
        1000 10 10 0
        1010 30 11 1
        FUNC m 1040 10 0 folded
        1040 10 20 0
        PUBLIC 1100 0 ?bare@@YAXXZ
        STACK WIN 4 1000 40 3 0 4 0 8 0 1 $T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =
        STACK WIN 0 1040 10 0 0 0 0 0 0 0 1
        STACK CFI INIT 1000 40 .cfa: $esp 4 + .ra: .cfa 4 - ^
        STACK CFI 1001 .cfa: $esp 8 + $ebp: .cfa 8 - ^
        STACK CFI 1003 .cfa: $ebp 8 +
        """;

    public static string Text(string relative) => File.ReadAllText(TestData.Shared(relative));

    /// <summary>Lines of a file that match a pattern, as `grep -c` counts them.</summary>
    public static string[] Grep(string text, string pattern) =>
        [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => Regex.IsMatch(l, pattern))];

    /// <summary>
    /// Seeds for the fuzz harness: the synthetic file, and with the shared data the head and tail of
    /// each real file (the tail holds the STACK records), so a run of mutants stays quick.
    /// </summary>
    public static List<byte[]> FuzzSeeds()
    {
        var seeds = new List<byte[]> { Encoding.ASCII.GetBytes(Synthetic) };
        if (TestData.SharedRoot == null) return seeds;
        foreach (var f in All)
        {
            var lines = Text(f).Split('\n');
            var cut = lines.Take(300).Concat(lines.Skip(Math.Max(300, lines.Length - 300)));
            seeds.Add(Encoding.UTF8.GetBytes(string.Join('\n', cut)));
        }
        return seeds;
    }
}
