using System.Buffers.Binary;
using System.Diagnostics;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Cli;

/// <summary>
/// The real `ntdbg` process on zero-length, random, truncated and hostile files: one line on
/// stderr naming the file, a nonzero exit, no hang, and a small memory footprint (the GC heap is
/// capped at 200 MB for the child, so a runaway allocation would crash it instead of passing).
/// </summary>
public class HostileFileTests
{
    private static readonly string NtdbgDll = typeof(Ntdbg.Cli.Program).Assembly.Location;

    public static TheoryData<string> Cases() => new(HostileFiles.Names);

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivesOneLineAndNonzeroExit(string name)
    {
        string path = HostileFiles.Write(name);
        try
        {
            var (exit, stdout, stderr, maxRssKb) = RunNtdbg(path);
            Assert.NotEqual(0, exit);
            var errLines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("MAXRSS=") && !l.StartsWith("Command exited with non-zero status")).ToArray();
            Assert.Single(errLines);
            Assert.StartsWith("ntdbg: " + Path.GetFileName(path), errLines[0]);
            Assert.DoesNotContain("Exception", errLines[0]);
            Assert.DoesNotContain("   at ", stdout);
            if (maxRssKb is long kb) Assert.True(kb < 200 * 1024, $"peak RSS {kb} KiB");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int Exit, string Stdout, string Stderr, long? MaxRssKb) RunNtdbg(string dump)
    {
        // /usr/bin/time reports the child's peak RSS when it is installed.
        bool timed = File.Exists("/usr/bin/time");
        var psi = new ProcessStartInfo(timed ? "/usr/bin/time" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (timed) { psi.ArgumentList.Add("-f"); psi.ArgumentList.Add("MAXRSS=%M"); psi.ArgumentList.Add("dotnet"); }
        foreach (var a in new[] { NtdbgDll, "-z", dump, "-c", "lm; ~; .exr -1; q" }) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0xC800000";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var outp = p.StandardOutput.ReadToEndAsync();
        // A hang guard, not a speed test: the bench command measures the time.
        if (!p.WaitForExit(30_000)) { p.Kill(true); Assert.Fail($"ntdbg did not finish on {dump}"); }
        string stderr = err.Result;
        long? rss = null;
        foreach (var l in stderr.Split('\n'))
            if (l.StartsWith("MAXRSS=") && long.TryParse(l[7..].Trim(), out long v)) rss = v;
        return (p.ExitCode, outp.Result, stderr, rss);
    }
}

/// <summary>Hostile inputs for every reader, written byte by byte (no ntdbg code involved).</summary>
public static class HostileFiles
{
    public static readonly string[] Names =
    [
        "zero-length", "random", "mdmp-huge-stream-count", "mdmp-directory-past-end", "mdmp-memorylist-huge-count",
        "mdmp-header-only", "pagedu64-header-only", "pagedu64-huge-runs", "pagedump-truncated", "pe-lfanew-past-end",
        "pe-huge-section-count", "unknown-magic",
    ];

    public static string Write(string name)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-hostile-{name}-{Environment.ProcessId}.bin");
        File.WriteAllBytes(path, Build(name));
        return path;
    }

    public static byte[] Build(string name)
    {
        switch (name)
        {
            case "zero-length": return [];
            case "random":
                {
                    var b = new byte[65536];
                    new Random(7).NextBytes(b);
                    return b;
                }
            case "unknown-magic": return "ELF\0this is not a dump"u8.ToArray();
            case "mdmp-header-only": return Mdmp(streams: 1, dirRva: 32, length: 32);
            case "mdmp-huge-stream-count": return Mdmp(streams: 0xffffffff, dirRva: 32, length: 4096);
            case "mdmp-directory-past-end": return Mdmp(streams: 3, dirRva: 0x7fff0000, length: 4096);
            case "mdmp-memorylist-huge-count":
                {
                    var b = Mdmp(streams: 1, dirRva: 32, length: 4096);
                    W32(b, 32, 5); W32(b, 36, 0x1000); W32(b, 40, 64); // MemoryListStream at 64, 4 KiB
                    W32(b, 64, 0x7fffffff);                            // NumberOfMemoryRanges
                    return b;
                }
            case "pagedu64-header-only":
            case "pagedu64-huge-runs":
                {
                    var b = new byte[name == "pagedu64-header-only" ? 0x2000 : 0x3000];
                    for (int i = 0; i < b.Length; i += 4) "PAGE"u8.CopyTo(b.AsSpan(i));
                    "PAGEDU64"u8.CopyTo(b);
                    W32(b, 8, 0xf); W32(b, 12, 19041);
                    BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(0x10), 0x1ad000); // DirectoryTableBase
                    W32(b, 0x30, 0x8664); W32(b, 0x34, 1);
                    W32(b, 0xf98, 1);                                     // DumpType: full
                    if (name == "pagedu64-huge-runs")
                    {
                        W32(b, 0x88, 0x7fffffff);                         // PHYSICAL_MEMORY_DESCRIPTOR.NumberOfRuns
                        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(0x90), 0x7fffffff00);
                    }
                    return b;
                }
            case "pagedump-truncated":
                {
                    var b = new byte[0x800];
                    "PAGEDUMP"u8.CopyTo(b);
                    return b;
                }
            case "pe-lfanew-past-end":
                {
                    var b = new byte[0x200];
                    b[0] = (byte)'M'; b[1] = (byte)'Z';
                    W32(b, 0x3c, 0x7ffffff0);
                    return b;
                }
            case "pe-huge-section-count":
                {
                    var b = new byte[0x400];
                    b[0] = (byte)'M'; b[1] = (byte)'Z';
                    W32(b, 0x3c, 0x80);
                    "PE\0\0"u8.CopyTo(b.AsSpan(0x80));
                    BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x84), 0x8664);
                    BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x86), 0xffff); // NumberOfSections
                    BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x94), 0xf0);
                    BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x98), 0x20b);
                    return b;
                }
            default: throw new ArgumentException(name);
        }
    }

    private static byte[] Mdmp(uint streams, uint dirRva, int length)
    {
        var b = new byte[length];
        "MDMP"u8.CopyTo(b);
        W32(b, 4, 0xa793);
        W32(b, 8, streams);
        W32(b, 12, dirRva);
        return b;
    }

    private static void W32(byte[] b, int offset, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), v);
}
