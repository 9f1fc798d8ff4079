using System.Buffers.Binary;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Ntdbg.Tests.Stacks;

/// <summary>A frame of Sentry symbolic's snapshot: its status (symbolicated, missing), address and function (null when none).</summary>
public sealed record SnapFrame(string Status, ulong InstructionAddress, string? Function, ulong? SymbolAddress);

/// <summary>A thread of Sentry symbolic's snapshot.</summary>
public sealed record SnapThread(uint ThreadId, bool IsRequesting, ulong Eip, IReadOnlyList<SnapFrame> Frames);

/// <summary>A frame of breakpad's minidump_stackwalk: module file name, function (null without symbols) and eip.</summary>
public sealed record BreakpadFrame(int Number, string Module, string? Function, ulong Eip);

/// <summary>
/// Readers for the other tools' expected output that ships with the shared user dumps: symbolic's
/// snapshot (sentry/minidump_windows.snap), minidump_stackwalk's text (breakpad/*.stackwalk.out),
/// breakpad .sym files, lldb's FileCheck lines and the C++ source of lldb's sigsegv.dmp.
/// </summary>
public static class UserDumpOracles
{
    private static ulong Hex(string s) =>
        ulong.Parse(s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? s[2..] : s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string Unquote(string s) => s.Trim().Trim('"');

    /// <summary>The "stacktraces:" section of a symbolic snapshot: per thread its id, whether it
    /// requested the dump, eip, then its frames (a "- status:" line opens each).</summary>
    public static List<SnapThread> SnapThreads(string text)
    {
        var threads = new List<SnapThread>();
        uint id = 0;
        bool requesting = false;
        ulong eip = 0;
        List<SnapFrame>? frames = null;
        string? status = null, function = null;
        ulong? address = null, symbol = null;
        bool inStacks = false;
        void EndFrame()
        {
            if (status != null && frames != null)
                frames.Add(new SnapFrame(status, address ?? throw new InvalidDataException("snap frame without instruction_addr"), function, symbol));
            status = function = null;
            address = symbol = null;
        }
        void EndThread()
        {
            EndFrame();
            if (frames != null) threads.Add(new SnapThread(id, requesting, eip, frames));
            frames = null;
        }
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line == "stacktraces:") { inStacks = true; continue; }
            if (!inStacks) continue;
            if (line.Length > 0 && line[0] != ' ') break; // "modules:" ends the section
            string t = line.Trim();
            if (t.StartsWith("- thread_id:", StringComparison.Ordinal))
            {
                EndThread();
                id = uint.Parse(t["- thread_id:".Length..].Trim(), CultureInfo.InvariantCulture);
                requesting = false;
                eip = 0;
                frames = [];
            }
            else if (t.StartsWith("is_requesting:", StringComparison.Ordinal)) requesting = t.EndsWith("true", StringComparison.Ordinal);
            else if (t.StartsWith("eip:", StringComparison.Ordinal)) eip = Hex(Unquote(t[4..]));
            else if (t.StartsWith("- status:", StringComparison.Ordinal)) { EndFrame(); status = t["- status:".Length..].Trim(); }
            else if (t.StartsWith("instruction_addr:", StringComparison.Ordinal)) address = Hex(Unquote(t["instruction_addr:".Length..]));
            else if (t.StartsWith("function:", StringComparison.Ordinal)) function = Unquote(t["function:".Length..]);
            else if (t.StartsWith("sym_addr:", StringComparison.Ordinal)) symbol = Hex(Unquote(t["sym_addr:".Length..]));
        }
        EndThread();
        return threads;
    }

    // " 0  test_app.exe!`anonymous namespace'::CrashFunction [test_app.cc : 58 + 0x3]"
    // " 3  kernel32.dll!BaseProcessStart + 0x23"   " 4  ntdll.dll + 0x1234"   "    eip = 0x0040429e   esp = ..."
    private static readonly Regex StackwalkFrame = new(@"^ ?(\d+)  ([^!\s]+)(?:!(.+?))?(?: \[.+ : \d+ \+ 0x[0-9a-f]+\]| \+ 0x[0-9a-f]+)?$");
    private static readonly Regex StackwalkEip = new(@"^\s+eip = 0x([0-9a-f]+)");
    private static readonly Regex StackwalkModule = new(@"^0x([0-9a-f]+) - 0x[0-9a-f]+  (\S+)");

    /// <summary>The crashed thread's frames in minidump_stackwalk's text.</summary>
    public static List<BreakpadFrame> StackwalkCrashedThread(string text)
    {
        var frames = new List<BreakpadFrame>();
        bool inThread = false;
        (int Number, string Module, string? Function)? pending = null;
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.StartsWith("Thread ", StringComparison.Ordinal)) { inThread = line.EndsWith("(crashed)", StringComparison.Ordinal); continue; }
            if (!inThread) continue;
            if (line.Length == 0) break;
            var f = StackwalkFrame.Match(line);
            if (f.Success)
            {
                pending = (int.Parse(f.Groups[1].Value, CultureInfo.InvariantCulture), f.Groups[2].Value, f.Groups[3].Success ? f.Groups[3].Value : null);
                continue;
            }
            var e = StackwalkEip.Match(line);
            if (e.Success && pending is { } p)
            {
                frames.Add(new BreakpadFrame(p.Number, p.Module, p.Function, Hex(e.Groups[1].Value)));
                pending = null;
            }
        }
        return frames;
    }

    /// <summary>"Loaded modules:" of minidump_stackwalk's text: file name → base.</summary>
    public static Dictionary<string, ulong> StackwalkModules(string text) =>
        text.Split('\n').Select(l => StackwalkModule.Match(l.TrimEnd('\r'))).Where(m => m.Success)
            .ToDictionary(m => m.Groups[2].Value, m => Hex(m.Groups[1].Value), StringComparer.OrdinalIgnoreCase);

    /// <summary>The start and name of the breakpad symbol covering an RVA: the FUNC whose range holds
    /// it, else the nearest PUBLIC at or below it (as minidump_stackwalk picks them).</summary>
    public static (ulong Start, string Name)? SymCovering(string symFile, ulong rva)
    {
        (ulong Start, string Name)? publicBelow = null;
        foreach (string raw in File.ReadLines(symFile))
        {
            string[] p = raw.TrimEnd('\r').Split(' ');
            int at = p.Length > 1 && p[1] == "m" ? 2 : 1; // "FUNC m ..." marks a multiple-definition symbol
            if (p[0] == "FUNC" && p.Length > at + 3)
            {
                ulong start = Hex(p[at]), size = Hex(p[at + 1]);
                if (rva >= start && rva < start + size) return (start, string.Join(' ', p[(at + 3)..]));
            }
            else if (p[0] == "PUBLIC" && p.Length > at + 2)
            {
                ulong start = Hex(p[at]);
                if (start <= rva && (publicBelow == null || start > publicBelow.Value.Start))
                    publicBelow = (start, string.Join(' ', p[(at + 2)..]));
            }
        }
        return publicBelow;
    }

    /// <summary>The .sym file under a breakpad symbol tree (debug-file/id/name.sym) for a module file name,
    /// matched by base name (test_app.exe ↔ test_app.pdb).</summary>
    public static string? SymFileFor(string symbolRoot, string moduleFile)
    {
        string stem = Path.GetFileNameWithoutExtension(moduleFile);
        return Directory.EnumerateFiles(symbolRoot, "*.sym", SearchOption.AllDirectories)
            .FirstOrDefault(f => string.Equals(Path.GetFileNameWithoutExtension(f), stem, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>lldb's expectation "CHECK:   * frame #0: 0x00007ff7a13110d9 sigsegv.exe": address and module file.</summary>
    public static (ulong Address, string Module) LldbFrameZero(string testFile)
    {
        var m = Regex.Match(File.ReadAllText(testFile), @"^CHECK:\s+\* frame #0: 0x([0-9a-f]+) (\S+)", RegexOptions.Multiline);
        if (!m.Success) throw new InvalidDataException($"{testFile}: no 'frame #0' CHECK line");
        return (Hex(m.Groups[1].Value), m.Groups[2].Value);
    }

    private static readonly HashSet<string> Keywords = ["if", "while", "for", "switch", "return", "sizeof"];

    /// <summary>
    /// The functions a C/C++ file defines and, per function, the functions its body calls: a
    /// definition is "name(params) {" outside any function body (an extern "C" block is not a body).
    /// Enough for small test programs; comments and strings are blanked first.
    /// </summary>
    public static Dictionary<string, HashSet<string>> CallGraph(string source)
    {
        string code = Regex.Replace(source, @"//[^\n]*|/\*.*?\*/|""(?:\\.|[^""\\])*""|'(?:\\.|[^'\\])*'",
            m => new string(' ', m.Length), RegexOptions.Singleline);
        var graph = new Dictionary<string, HashSet<string>>();
        var bodies = new List<(int Open, int Close)>();
        foreach (Match head in Regex.Matches(code, @"\b([A-Za-z_]\w*)\s*\([^;{}()]*\)\s*\{"))
        {
            string name = head.Groups[1].Value;
            if (Keywords.Contains(name) || bodies.Any(b => head.Index > b.Open && head.Index < b.Close)) continue;
            int open = head.Index + head.Length - 1, depth = 0, close = open;
            for (; close < code.Length; close++)
            {
                if (code[close] == '{') depth++;
                else if (code[close] == '}' && --depth == 0) break;
            }
            var calls = Regex.Matches(code[open..close], @"\b([A-Za-z_]\w*)\s*\(").Select(c => c.Groups[1].Value)
                .Where(c => !Keywords.Contains(c)).ToHashSet();
            graph[name] = calls;
            bodies.Add((open, close));
        }
        return graph;
    }

    /// <summary>The functions in a call graph that call the given one.</summary>
    public static List<string> CallersOf(Dictionary<string, HashSet<string>> graph, string callee) =>
        graph.Where(kv => kv.Key != callee && kv.Value.Contains(callee)).Select(kv => kv.Key).ToList();

    /// <summary>Bytes at a virtual address of a PE file on disk loaded at imageBase (section table walk).</summary>
    public static byte[] ImageBytes(string peFile, ulong imageBase, ulong address, int count)
    {
        byte[] d = File.ReadAllBytes(peFile);
        int pe = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(0x3c));
        int sections = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(pe + 6));
        int optional = BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(pe + 20));
        ulong rva = address - imageBase;
        for (int i = 0; i < sections; i++)
        {
            var h = d.AsSpan(pe + 24 + optional + 40 * i, 40);
            uint virtualSize = BinaryPrimitives.ReadUInt32LittleEndian(h[8..]), virtualAddress = BinaryPrimitives.ReadUInt32LittleEndian(h[12..]);
            uint rawPointer = BinaryPrimitives.ReadUInt32LittleEndian(h[20..]);
            if (rva >= virtualAddress && rva + (ulong)count <= virtualAddress + (ulong)virtualSize)
                return d.AsSpan((int)(rawPointer + (rva - virtualAddress)), count).ToArray();
        }
        throw new InvalidDataException($"{peFile}: 0x{address:x} is in no section");
    }
}
