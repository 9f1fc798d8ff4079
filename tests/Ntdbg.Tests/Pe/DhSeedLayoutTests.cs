using Ntdbg.Commands.Commands.Dh;
using Ntdbg.Commands.Rendering.Text;
using Ntdbg.Formats.Pe;
using Ntdbg.Synth;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pe;

/// <summary>
/// The blog's `!dh 8b5cc000` (a 32-bit driver seen from a kd session): a synthetic image with
/// the same header values, mapped at the same address, must print the same lines.
/// </summary>
public class DhSeedLayoutTests
{
    private const ulong Base = 0x8b5cc000;

    /// <summary>Lines the blog page lost (headings, some flag lines); everything else must match.</summary>
    private static readonly HashSet<string> LostByTheBlog =
        ["FILE HEADER VALUES", "OPTIONAL HEADER VALUES", "Executable", "DLL", "Code", "Discardable"];

    /// <summary>The header values printed in the blog, written into a PE32 image.</summary>
    public static PeBuilder SeedImage()
    {
        var b = new PeBuilder(is64: false)
        {
            TimeDateStamp = 0x4EA3461E,
            Characteristics = 0x2102,
            MajorLinkerVersion = 9,
            MinorLinkerVersion = 0,
            SizeOfCode = 0xA400,
            SizeOfInitializedData = 0x2000,
            AddressOfEntryPoint = 0x46C0,
            BaseOfCode = 0x1000,
            BaseOfData = 0xC000,
            ImageBase = 0x10000000,
            SectionAlignment = 0x1000,
            FileAlignment = 0x200,
            Subsystem = 1,
            MajorOperatingSystemVersion = 5,
            MajorSubsystemVersion = 5,
            SizeOfHeaders = 0x400,
            CheckSum = 0xDF1F,
            SizeOfStackReserve = 0x100000,
            SizeOfStackCommit = 0x1000,
            SizeOfHeapReserve = 0x100000,
            SizeOfHeapCommit = 0x1000,
            NewHeaderOffset = 0xD0,
        };
        b.Directory(1, 0xC91C, 0x3C).Directory(5, 0xF000, 0x3FC).Directory(12, 0xC000, 0x1A8);
        b.AddSection(".text", 0x60000020, new byte[0xA354]);
        b.AddSection(".rdata", 0x40000040, new byte[0x13AC]);
        b.AddSection(".data", 0xC0000040, new byte[0x4B0], rawSize: 0x200);
        b.AddSection(".reloc", 0x42000040, new byte[0x576]);
        return b;
    }

    private static FakeTarget KdTarget(out PeBuilder layout)
    {
        layout = SeedImage();
        var file = layout.Build();
        var t = new FakeTarget { Machine = Machine.X86, Kind = TargetKind.KernelDump };
        t.Regions.Add(Base, PeBuilder.MapImage(file, layout));
        return t;
    }

    /// <summary>
    /// The block's lines exactly as printed (the page indents WinDbg output by 4 spaces and uses
    /// non-breaking spaces; both undone), empty lines dropped: alignment is compared too.
    /// </summary>
    private static List<string> SeedLines()
    {
        var trimmed = Seed.OutputOf("!dh 8b5cc000", l => !l.StartsWith("0: kd>", StringComparison.Ordinal));
        var raw = File.ReadAllLines(Seed.Path!).Select(l => l.Replace('\u00a0', ' ').TrimEnd()).ToList();
        int start = raw.FindIndex(l => l.EndsWith("!dh 8b5cc000", StringComparison.Ordinal));
        var lines = raw.Skip(start + 1).Where(l => l.Length > 0).Take(trimmed.Count)
            .Select(l => l.StartsWith("    ", StringComparison.Ordinal) ? l[4..] : l).ToList();
        Assert.Equal(trimmed, lines.Select(l => l.Trim()));
        return lines;
    }

    /// <summary>Seed lines must appear in order; extra lines of ours may only be ones the blog dropped.</summary>
    private static void AssertMatchesSeed(List<string> seed, IEnumerable<string> ours)
    {
        var mine = ours.Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        int s = 0;
        var extra = new List<string>();
        foreach (var line in mine)
        {
            if (s < seed.Count && line == seed[s]) s++;
            else extra.Add(line);
        }
        Assert.True(s == seed.Count, $"seed line {s} not printed: '{(s < seed.Count ? seed[s] : "")}'");
        Assert.All(extra, l => Assert.True(LostByTheBlog.Contains(l.Trim()) || l.StartsWith("SECTION HEADER #", StringComparison.Ordinal), $"unexpected line '{l}'"));
    }

    [SeedFact]
    public void RenderedReportMatchesTheBlog()
    {
        var seed = SeedLines();
        Assert.True(seed.Count > 90, "the seed's !dh block was not found whole");
        var t = KdTarget(out _);
        var image = PeImage.FromMemory(t.Memory, Base);
        // The blog's debugger ran at UTC+5:30 (4EA3461E is 22:39:26 UTC; it printed 04:09:26 the next day).
        var report = DhReportBuilder.Build(image, Base, displayPointerSize: 4, timeZoneOffsetMinutes: 330);
        var w = new StringWriter();
        new DhTextRenderer().Render(report, w);
        AssertMatchesSeed(seed, w.ToString().Split('\n'));
    }

    [SeedFact]
    public void CommandPrintsTheBlogsLinesApartFromTheTimeZone()
    {
        var seed = SeedLines().Where(l => !l.Contains("time date stamp", StringComparison.Ordinal)).ToList();
        var t = KdTarget(out _);
        var lines = Run.Text(t, "!dh 8b5cc000").Split('\n').Where(l => !l.Contains("time date stamp", StringComparison.Ordinal));
        AssertMatchesSeed(seed, lines);
    }

    [Fact]
    public void OptionsSelectParts()
    {
        var t = KdTarget(out _);
        string f = Run.Text(t, "!dh -f 8b5cc000");
        string s = Run.Text(t, "!dh -s 8b5cc000");
        string a = Run.Text(t, "!dh -a 8b5cc000");
        Assert.Contains("OPTIONAL HEADER VALUES", f);
        Assert.DoesNotContain("SECTION HEADER", f);
        Assert.Contains("SECTION HEADER #4", s);
        Assert.DoesNotContain("FILE HEADER VALUES", s);
        Assert.Equal(a, f + s);
        Assert.Equal(a, Run.Text(t, "!dh 8b5cc000"));
        Assert.Equal(a, Run.Text(t, "!dh 8b5cc000 -a"));
        Assert.StartsWith("Usage: dh [options] address", Run.Text(t, "!dh -h"));
        Assert.StartsWith("Usage: dh [options] address", Run.Text(t, "!dh"));
        Assert.StartsWith("!dh: unknown option -x", Run.Text(t, "!dh -x 8b5cc000"));
        Assert.StartsWith("!dh: invalid extra argument", Run.Text(t, "!dh 8b5cc000 8b5cc000"));
    }

    [Fact]
    public void Pe32PlusPrintsPointerWidthValuesForA64BitDebugger()
    {
        var b = new PeBuilder(is64: true) { ImageBase = 0x1_4000_0000, SizeOfStackReserve = 0x100000, DllCharacteristics = 0xC160 };
        b.AddSection(".text", 0x60000020, new byte[0x100]);
        var t = new FakeTarget { Machine = Machine.X64 };
        t.Regions.Add(0x1_4000_0000, PeBuilder.MapImage(b.Build(), b));
        var lines = Run.Lines(t, "!dh -f 140000000");
        Assert.Contains("0000000140000000 image base", lines);
        Assert.Contains("0000000000100000 size of stack reserve", lines);
        Assert.Contains("    C160  DLL characteristics", lines);
        Assert.Equal(["            High entropy VA supported", "            Dynamic base", "            NX compatible", "            Guard", "            Terminal server aware"],
            lines.SkipWhile(l => !l.EndsWith("DLL characteristics", StringComparison.Ordinal)).Skip(1).Take(5));
    }
}
