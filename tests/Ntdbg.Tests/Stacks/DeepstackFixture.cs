using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Ntdbg.Tests.Fixtures;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Stacks;

/// <summary>One frame the deepstack program recorded of itself (see fixtures/src/deepstack.h).</summary>
public sealed record RecordedFrame(string Name, ulong Function, ulong ReturnAddress, ulong ReturnSlot);

/// <summary>One recorded chain: a run of a thread's own frames, innermost first.</summary>
public sealed record RecordedChain(uint ThreadId, bool FromExceptionContext, IReadOnlyList<RecordedFrame> Frames);

/// <summary>A line of `kn`: the stack column (Child-SP on x64), the return address, the module and function.</summary>
public sealed record KFrame(int Number, ulong Stack, ulong ReturnAddress, string Module, string? Function, string Line);

/// <summary>A frame of winedbg's backtrace: its instruction pointer, module and function (null when unnamed).</summary>
public sealed record WinedbgFrame(int Number, ulong Pc, string? Module, string? Function);

/// <summary>
/// Reads the deepstack fixture's independent sources of truth: the 'NTDB' user stream the program
/// wrote of its own call chains (parsed here with the fixture reader, not ntdbg's), the committed
/// winedbg backtrace, and ntdbg's `kn` text.
/// </summary>
public static class DeepstackFixture
{
    public const uint NtdbStream = 0x4E544442; // 'NTDB'

    public static string Dump(string arch) => FixtureFiles.Out($"deepstack-{arch}.dmp");

    /// <summary>The module name ntdbg and WinDbg use for the exe (file name, '-' made '_').</summary>
    public static string ExeModule(string arch) => $"deepstack_{arch}";

    public static List<RecordedChain> Chains(string arch)
    {
        using var dump = new FixtureDump(Dump(arch));
        byte[] s = dump.Stream(NtdbStream);
        uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(at));
        ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(at));
        string Name(uint at)
        {
            int end = Array.IndexOf(s, (byte)0, (int)at);
            return Encoding.ASCII.GetString(s, (int)at, end - (int)at);
        }
        Assert.Equal(1u, U32(0));
        uint chainCount = U32(4), headerSize = U32(8), entrySize = U32(12);
        Assert.Equal(16u, headerSize);
        Assert.Equal(32u, entrySize);
        var chains = new List<RecordedChain>();
        int at = 16;
        for (uint c = 0; c < chainCount; c++)
        {
            uint thread = U32(at), flags = U32(at + 4), count = U32(at + 8);
            at += 16;
            var frames = new List<RecordedFrame>();
            for (uint i = 0; i < count; i++, at += 32)
                frames.Add(new RecordedFrame(Name(U32(at)), U64(at + 8), U64(at + 16), U64(at + 24)));
            chains.Add(new RecordedChain(thread, (flags & 1) != 0, frames));
        }
        return chains;
    }

    /// <summary>The thread's own frames as its ThreadList context shows them: its chains without the
    /// exception-context flag, then those with it (see the stream's description in deepstack.c).</summary>
    public static List<List<RecordedFrame>> ThreadRuns(IEnumerable<RecordedChain> chains, uint threadId) =>
        chains.Where(c => c.ThreadId == threadId && c.Frames.Count > 0)
            .OrderBy(c => c.FromExceptionContext)
            .Select(c => c.Frames.ToList()).ToList();

    private static readonly Regex KLine = new(@"^([0-9a-f]{2}) ([0-9a-f`]+) ([0-9a-f`]+)\s+(\S+)(.*)$", RegexOptions.Multiline);

    public static ulong Hex(string s) => ulong.Parse(s.Replace("`", "", StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    public static List<KFrame> ParseK(string text) =>
        KLine.Matches(text).Select(m =>
        {
            string site = m.Groups[4].Value;
            int bang = site.IndexOf('!', StringComparison.Ordinal);
            string module = bang >= 0 ? site[..bang] : site.Split('+')[0];
            string? function = bang >= 0 ? site[(bang + 1)..].Split('+')[0] : null;
            return new KFrame(int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                Hex(m.Groups[2].Value), Hex(m.Groups[3].Value), module, function, m.Value.TrimEnd('\r'));
        }).ToList();

    // "=>0 0x000001400042eb deep_12_leaf_crash+0x4b(target=...) [file:line] in deepstack-x64 (0x...)"
    // "  5 0x000001400013ae in deepstack-x64 (+0x13ae) (0x...)"   "  1 0x00000000 (0x0053f964)"
    private static readonly Regex WinedbgLine = new(@"^(?:=>|  )(\d+) (?:0x)?([0-9a-f]+)(?: ([A-Za-z_][\w@$]*)\+0x[0-9a-f]+\(.*?\))?.*?(?: in ([\w.-]+) \(|$)", RegexOptions.Multiline);

    /// <summary>The committed winedbg backtrace (fixtures/out/deepstack-&lt;arch&gt;.winedbg.txt), frames in order.</summary>
    public static List<WinedbgFrame> Winedbg(string arch)
    {
        string text = File.ReadAllText(FixtureFiles.Out($"deepstack-{arch}.winedbg.txt"));
        int backtrace = text.IndexOf("\nBacktrace:\n", StringComparison.Ordinal);
        Assert.True(backtrace >= 0, "no Backtrace: section in the winedbg output");
        return WinedbgLine.Matches(text[backtrace..]).Select(m => new WinedbgFrame(
            int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Hex(m.Groups[2].Value),
            m.Groups[4].Success ? m.Groups[4].Value : null, m.Groups[3].Success ? m.Groups[3].Value : null)).ToList();
    }

    /// <summary>Wine's own PE DLLs, for unwinding through ntdll/kernelbase (the dump holds no image of them).</summary>
    public static string WineDlls(string arch) =>
        arch == "x64" ? "/usr/lib/x86_64-linux-gnu/wine/x86_64-windows" : "/usr/lib/i386-linux-gnu/wine/i386-windows";
}

/// <summary>A theory walking thread contexts that sit in Wine's ntdll/kernelbase: it needs Wine's PE
/// DLLs for their unwind data; skipped visibly without them.</summary>
public sealed class WineDllsTheoryAttribute : TheoryAttribute
{
    public WineDllsTheoryAttribute()
    {
        var missing = new[] { "x64", "x86" }.Select(DeepstackFixture.WineDlls).Where(d => !File.Exists(Path.Combine(d, "ntdll.dll"))).ToList();
        if (missing.Count > 0)
            Skip = $"Wine's PE DLLs are absent ({string.Join(", ", missing)}): walking out of ntdll needs their unwind data; install wine64 and wine32 (8.0, the version that wrote the dumps)";
    }
}
