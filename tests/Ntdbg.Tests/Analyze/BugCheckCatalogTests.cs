using System.Text.RegularExpressions;
using Ntdbg.Analyses.Analyze.BugChecks;
using Ntdbg.Core.Memory;
using Ntdbg.Targets.Kernel;
using Ntdbg.Tests.Support;
using static Ntdbg.Analyses.Analyze.BugChecks.BugCheckParameterRole;

namespace Ntdbg.Tests.Analyze;

/// <summary>
/// The bug check catalog: well-formed entries, lookups, subtype resolution, and names checked
/// against the real triage dump, the NTDebugging seed and two independent header files.
/// </summary>
public sealed class BugCheckCatalogTests
{
    private const string TriageDump = "kernel/triage_x64_19041.dmp";

    [Fact]
    public void CodesAndNamesAreUniqueAndWellFormed()
    {
        var all = BugCheckCatalog.All;
        Assert.True(all.Count > 400, $"only {all.Count} codes");
        Assert.Equal(all.Count, all.Select(e => e.Code).Distinct().Count());
        Assert.Equal(all.Count, all.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count());
        foreach (var e in all)
        {
            Assert.Matches(new Regex("^[A-Z0-9_]+$"), e.Name);
            Assert.False(string.IsNullOrWhiteSpace(e.Summary), e.Name);
            Assert.True(e.Summary.Length <= 200, $"{e.Name}: summary is not short");
        }
        Assert.Equal(all.OrderBy(e => e.Code).Select(e => e.Code), all.Select(e => e.Code));
    }

    [Fact]
    public void EveryEntryAndSubtypeHasFourDescribedParameters()
    {
        foreach (var e in BugCheckCatalog.All)
        {
            Assert.True(e.Parameters.Count == 4, $"{e.Name} has {e.Parameters.Count} parameters");
            Assert.All(e.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description), e.Name));
            Assert.Equal(e.Subtypes.Count, e.Subtypes.Select(s => s.Value).Distinct().Count());
            foreach (var s in e.Subtypes)
            {
                Assert.True(s.Parameters.Count == 4, $"{e.Name} subtype 0x{s.Value:x} has {s.Parameters.Count} parameters");
                Assert.All(s.Parameters, p => Assert.False(string.IsNullOrWhiteSpace(p.Description), $"{e.Name} 0x{s.Value:x}"));
                Assert.True(s.Parameters[e.SubtypeParameterIndex].Role == Subtype, $"{e.Name} 0x{s.Value:x}: selector role");
            }
        }
    }

    [Theory]
    [InlineData(0x1000007Eu, 0x7Eu)]
    [InlineData(0x1000007Fu, 0x7Fu)]
    [InlineData(0x1000008Eu, 0x8Eu)]
    [InlineData(0x100000EAu, 0xEAu)]
    [InlineData(0x1000000Au, 0x0Au)]
    public void FlaggedVariantsResolveToTheBaseEntry(uint flagged, uint baseCode)
    {
        Assert.True(BugCheckCatalog.TryGet(flagged, out var viaFlag));
        Assert.True(BugCheckCatalog.TryGet(baseCode, out var direct));
        Assert.Same(direct, viaFlag);
        Assert.Equal(baseCode, viaFlag.Code);
        Assert.Equal(baseCode, BugCheckCatalog.Normalize(flagged));
    }

    [Fact]
    public void CodesWithTheHighBitsAreNotTreatedAsVariants()
    {
        Assert.True(BugCheckCatalog.TryGet(0xC000021A, out var winlogon));
        Assert.Equal("WINLOGON_FATAL_ERROR", winlogon.Name);
        Assert.True(BugCheckCatalog.TryGet(0xDEADDEAD, out var manual));
        Assert.Equal("MANUALLY_INITIATED_CRASH1", manual.Name);
        Assert.Equal(0x4000008Au, BugCheckCatalog.Normalize(0x4000008A));
        Assert.False(BugCheckCatalog.TryGet(0x10001234, out _));
        Assert.False(BugCheckCatalog.TryGet(0x7FFF_FFFF, out _));
    }

    [Fact]
    public void DescribePicksTheSubtypeNamedByParameter1()
    {
        // 0x1A/0x41790: a page table page is corrupt, parameter 2 is a PFN entry.
        var mm = BugCheckCatalog.Describe(0x1A, [0x41790, 0xffffa000_00001230, 0xffff, 0]);
        Assert.Equal(Subtype, mm[0].Role);
        Assert.Contains("page table page", mm[0].Description, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ObjectAddress, mm[1].Role);

        // 0x139/3: a corrupted LIST_ENTRY; parameters 2 and 3 are the trap frame and exception record.
        var gs = BugCheckCatalog.Describe(0x139, [3, 0x1000, 0x2000, 0]);
        Assert.Contains("LIST_ENTRY", gs[0].Description);
        Assert.Equal([Subtype, TrapFrame, ExceptionRecord, None], gs.Select(p => p.Role));

        // 0x9F/3: the blocked IRP is parameter 4.
        var power = BugCheckCatalog.Describe(0x9F, [3, 1, 2, 3]);
        Assert.Equal([Subtype, DeviceObject, ObjectAddress, Irp], power.Select(p => p.Role));

        // 0xC4/0x32: spin lock released at the wrong IRQL.
        var dv = BugCheckCatalog.Describe(0xC4, [0x32, 2, 0x1000, 0]);
        Assert.Equal([Subtype, Irql, LockAddress, None], dv.Select(p => p.Role));

        // 0xC2/0x0A: freed with the wrong tag.
        var pool = BugCheckCatalog.Describe(0xC2, [0x0A, 0x1000, 0x6b61654c, 0x6b61654d]);
        Assert.Equal([Subtype, PoolAddress, PoolTag, PoolTag], pool.Select(p => p.Role));

        // 0x19/0x20 and 0xC1 (whose selector is parameter 4).
        Assert.Equal(PoolAddress, BugCheckCatalog.Describe(0x19, [0x20, 1, 2, 3])[2].Role);
        var special = BugCheckCatalog.Describe(0xC1, [2, 0, 0x1000, 0x31]);
        Assert.Equal([Irql, PoolType, PoolAddress, Subtype], special.Select(p => p.Role));
    }

    [Fact]
    public void DescribeFallsBackToTheGeneralMeaning()
    {
        Assert.True(BugCheckCatalog.TryGet(0x1A, out var mm));
        Assert.Same(mm.Parameters, BugCheckCatalog.Describe(0x1A, [0x12345678, 0, 0, 0]));
        Assert.Same(mm.Parameters, BugCheckCatalog.Describe(0x1A, []));
        var unknown = BugCheckCatalog.Describe(0x7FFF_FFFF, [1, 2, 3, 4]);
        Assert.Equal(4, unknown.Count);
        Assert.All(unknown, p => Assert.Equal(Unknown, p.Role));
    }

    [SharedDataFact(TriageDump)]
    public void TriageDumpBugCheckResolvesToSystemThreadExceptionNotHandled()
    {
        using var target = KernelDumpTarget.Open(TestData.Shared(TriageDump));
        var bugcheck = target.Bugcheck;
        Assert.Equal(0x1000007Eu, bugcheck.Code); // the shared README describes this dump as 0x1000007E
        Assert.True(BugCheckCatalog.TryGet(bugcheck.Code, out var info));
        Assert.Equal("SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", info.Name);
        var roles = BugCheckCatalog.Describe(bugcheck.Code, bugcheck.Parameters).Select(p => p.Role);
        Assert.Equal([ExceptionCode, ExceptionAddress, ExceptionRecord, ContextRecord], roles);
    }

    [SharedDataFact(TriageDump)]
    public void TriageDumpParametersHoldWhatTheirRolesSay()
    {
        // Following the roles through the dump's memory must land on a consistent exception:
        // the EXCEPTION_RECORD64 repeats the code and address, the x64 CONTEXT's Rip is the address.
        using var target = KernelDumpTarget.Open(TestData.Shared(TriageDump));
        var p = target.Bugcheck.Parameters;
        var roles = BugCheckCatalog.Describe(target.Bugcheck.Code, p);
        ulong At(BugCheckParameterRole role) => p[roles.Select(r => r.Role).ToList().IndexOf(role)];

        // A 64-bit dump carries the 32-bit exception code sign-extended (0xffffffffc0000005).
        Assert.Equal((ulong)(long)(int)(uint)At(ExceptionCode), At(ExceptionCode));
        Assert.True(target.Memory.TryReadUInt32(At(ExceptionRecord), out uint code, out var fault), fault?.ToString());
        Assert.Equal((uint)At(ExceptionCode), code);
        Assert.True(target.Memory.TryReadUInt64(At(ExceptionRecord) + 0x10, out ulong address, out fault), fault?.ToString());
        Assert.Equal(At(ExceptionAddress), address);
        Assert.True(target.Memory.TryReadUInt64(At(ContextRecord) + 0xF8, out ulong rip, out fault), fault?.ToString());
        Assert.Equal(At(ExceptionAddress), rip);
    }

    [SeedFact]
    public void BugChecksNamedInTheSeedArePresentWithTheSameName()
    {
        var text = File.ReadAllText(Seed.Path!).Replace('\u00a0', ' ');
        var mentions = Regex.Matches(text, @"[Bb]ug ?[Cc]heck (?:code )?0x([0-9A-Fa-f]+) \(([A-Z0-9_]+)\)");
        Assert.NotEmpty(mentions);
        foreach (Match m in mentions)
        {
            uint code = Convert.ToUInt32(m.Groups[1].Value, 16);
            Assert.True(BugCheckCatalog.TryGet(code, out var info), $"0x{code:x} missing");
            Assert.Equal(m.Groups[2].Value, info.Name);
        }
    }

    [SeedFact]
    public void SeedAnalyzeArgumentsMatchTheRolesOfIrqlNotLessOrEqual()
    {
        // The seed's !analyze -v output for bug check 0xA labels each argument; map its wording to roles.
        var args = Seed.OutputOf("!analyze -v", l => !l.Contains("kd>", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, @"^Arg(\d): [0-9a-fA-F`]+, (.+)$"))
            .Where(m => m.Success)
            .ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);
        Assert.Equal(4, args.Count);
        static BugCheckParameterRole FromSeedWording(string text) => text switch
        {
            "memory referenced" => ReferencedAddress,
            "IRQL" => Irql,
            var t when t.StartsWith("bitfield", StringComparison.Ordinal) => AccessType,
            "address which referenced memory" => FaultingInstructionAddress,
            _ => Unknown,
        };
        var ours = BugCheckCatalog.Describe(0xA, [0, 0, 0, 0]);
        for (int i = 1; i <= 4; i++) Assert.Equal(FromSeedWording(args[i]), ours[i - 1].Role);
    }

    /// <summary>
    /// Names against the bug code headers that ship with mingw-w64 and Free Pascal's JEDI units.
    /// Both are old and each has slips, so a name must agree with at least one of them, and every
    /// real bug check they define below 0x40000000 (not a message-table string) must be present.
    /// </summary>
    [IndependentHeadersFact]
    public void NamesAgreeWithIndependentHeaders()
    {
        var sources = new List<Dictionary<uint, string>>();
        if (File.Exists(MingwHeader))
            sources.Add(Parse(MingwHeader, @"#define\s+([A-Z0-9_]+)\s+\(\(ULONG\)0x([0-9a-fA-F]+)L?\)"));
        if (File.Exists(JediUnit))
            sources.Add(Parse(JediUnit, @"^\s+([A-Z0-9_]+)\s*=\s*ULONG\(\$([0-9A-Fa-f]+)\);"));
        Assert.NotEmpty(sources);
        int agreed = 0;
        foreach (uint code in sources.SelectMany(s => s.Keys).Distinct())
        {
            var names = sources.Where(s => s.TryGetValue(code, out _)).Select(s => s[code]).ToList();
            if (code >= 0x4000_0000 || names.All(IsMessageString)) continue;
            Assert.True(BugCheckCatalog.TryGet(code, out var info), $"0x{code:x} ({string.Join("/", names)}) missing");
            Assert.True(names.Contains(info.Name) || KnownHeaderSlips.Contains((code, string.Join("/", names))),
                $"0x{code:x}: ours {info.Name}, headers {string.Join("/", names)}");
            agreed++;
        }
        Assert.True(agreed > 150, $"only {agreed} codes compared");
    }

    internal const string MingwHeader = "/usr/share/mingw-w64/include/bugcodes.h";
    internal const string JediUnit = "/usr/share/fpcsrc/3.2.2/packages/winunits-jedi/src/jwabugcodes.pas";

    // mingw-w64 puts IMPERSONATING_WORKER_THREAD at 0xFA; the reference (and ours) has it at 0xDF, 0xFA being
    // HTTP_DRIVER_CORRUPTED. The JEDI unit stops at 0xE4, so it cannot outvote the slip.
    private static readonly HashSet<(uint, string)> KnownHeaderSlips = [(0xFA, "IMPERSONATING_WORKER_THREAD")];

    // The same message table holds screen texts; these prefixes are texts, not bug checks.
    private static bool IsMessageString(string name) =>
        name.StartsWith("BUGCODE_PSS_", StringComparison.Ordinal) || name.StartsWith("BOOTING_IN_SAFEMODE_", StringComparison.Ordinal)
        || name.StartsWith("BOOTLOG_", StringComparison.Ordinal) || name == "UNDEFINED_BUG_CODE";

    private static Dictionary<uint, string> Parse(string path, string pattern)
    {
        var result = new Dictionary<uint, string>();
        foreach (Match m in Regex.Matches(File.ReadAllText(path), pattern, RegexOptions.Multiline))
            result[Convert.ToUInt32(m.Groups[2].Value, 16)] = m.Groups[1].Value;
        return result;
    }
}

/// <summary>A fact that needs one of the independent bug code headers; skipped visibly without both.</summary>
public sealed class IndependentHeadersFactAttribute : FactAttribute
{
    public IndependentHeadersFactAttribute()
    {
        if (!File.Exists(BugCheckCatalogTests.MingwHeader) && !File.Exists(BugCheckCatalogTests.JediUnit))
            Skip = "neither mingw-w64's bugcodes.h nor Free Pascal's jwabugcodes.pas is installed: name cross-check skipped";
    }
}
