namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// The pool-leak scenarios: a real leaking driver (fixtures/out/drivers) loaded in the module list
/// and nt!PoolTrackTable rows that show its tag's usage. The seed's case ("Troubleshooting Pool
/// Leaks Part 3") is myfault.sys leaking nonpaged pool with the tag 'Leak'.
/// </summary>
public static class PoolLeakScenarios
{
    /// <summary>Where the seed's myfault.sys was loaded (`lm a` there: fffff880`044b5000).</summary>
    public const ulong MyfaultBase = 0xfffff880044b5000;
    public const ulong PagedLeakBase = 0xfffff8048c210000;
    public const ulong BigLeakBase = 0xfffff8048c230000;
    public const ulong SessionLeakBase = 0xfffff8048c250000;

    /// <summary>
    /// The seed's `!poolused /t5 2` rows (outstanding allocations = allocs − frees): Leak 601 /
    /// 615424000, Pool 6 / 1717840, nVsC 664 / 1531552, netv 4369 / 1172224 and 1 / 144 paged,
    /// Thre 607 / 774048.
    /// </summary>
    public static IReadOnlyList<SyntheticPoolTag> SeedTopTags { get; } =
    [
        new("Leak", 601, 0, 615424000, 0, 0, 0),
        new("Pool", 7, 1, 1717840, 0, 0, 0),
        new("nVsC", 700, 36, 1531552, 0, 0, 0),
        new("netv", 5012, 643, 1172224, 3, 2, 144),
        new("Thre", 12000, 11393, 774048, 0, 0, 0),
    ];

    /// <summary>
    /// The rest of the seed machine's tags: each below Thre's 774048 nonpaged bytes (so the five
    /// above stay the top five), together bringing the TOTAL line to the seed's 43424 / 634209952
    /// nonpaged and 63565 / 126487760 paged.
    /// </summary>
    public static IReadOnlyList<SyntheticPoolTag> SeedOtherTags { get; } =
    [
        new("File", 1336, 900, 256432, 6031, 1334, 221904),
        new("Irp ", 7030, 4436, 218528, 1760, 1250, 1812656),
        new("Even", 6947, 4478, 21952, 678, 439, 7600224),
        new("Muta", 1894, 1064, 64592, 2080, 1479, 288784),
        new("Sema", 1427, 158, 130368, 306, 163, 5504816),
        new("Toke", 4947, 3469, 553328, 201, 4, 1982912),
        new("ObNm", 6619, 4670, 190096, 3783, 1431, 7874048),
        new("Vad ", 4174, 1337, 301600, 337, 234, 4868048),
        new("MmCa", 216, 156, 671904, 8721, 6339, 386832),
        new("Ntfx", 1614, 1176, 440400, 1092, 305, 822144),
        new("FMfc", 4276, 3163, 665456, 14527, 10164, 7940464),
        new("CcSc", 939, 611, 212320, 2858, 896, 2419584),
        new("Devi", 3690, 2620, 68896, 895, 167, 4297936),
        new("Driv", 292, 211, 643296, 11621, 7372, 6257792),
        new("Key ", 2782, 466, 38432, 350, 147, 2484656),
        new("Ntff", 1214, 352, 365056, 1834, 1359, 8160128),
        new("Mdl ", 344, 246, 327168, 5653, 820, 2547456),
        new("IoNm", 3631, 2293, 732624, 5828, 4184, 9186528),
        new("Io  ", 538, 196, 708240, 11138, 6150, 1816864),
        new("SeTl", 495, 325, 43856, 184, 77, 3085968),
        new("Proc", 2199, 1459, 15904, 904, 645, 2930256),
        new("Se  ", 120, 7, 355776, 299, 191, 1125744),
        new("AlIn", 295, 109, 467488, 15166, 11357, 10523408),
        new("TcpE", 4162, 1920, 734688, 2066, 509, 2713760),
        new("UdpA", 2831, 1352, 653760, 12746, 8919, 1369200),
        new("Cont", 210, 152, 608448, 13706, 10219, 1902224),
        new("EtwR", 6496, 4674, 98528, 7917, 5084, 1771056),
        new("Wait", 207, 148, 222336, 2439, 1758, 1269344),
        new("MmSt", 535, 154, 520192, 6826, 2204, 671392),
        new("CM31", 8119, 5677, 49680, 528, 291, 7509968),
        new("CM25", 3042, 1863, 580592, 2072, 900, 1226512),
        new("NtFs", 811, 480, 537888, 2612, 1114, 2050656),
        new("FSfm", 859, 386, 316000, 1153, 329, 1027776),
        new("ObDi", 1063, 564, 557552, 1595, 587, 7620048),
        new("Ntfn", 273, 168, 699664, 963, 325, 1998128),
        new("SeSd", 11272, 8282, 517248, 5250, 3809, 1218400),
    ];

    /// <summary>The seed's `!poolused` TOTAL line: outstanding allocations and bytes, nonpaged then paged.</summary>
    public static (ulong NonPagedAllocs, ulong NonPagedBytes, ulong PagedAllocs, ulong PagedBytes) SeedTotal { get; } = (43424, 634209952, 63565, 126487760);

    /// <summary>The seed's pool leak: myfault.sys at the seed's base, the seed's tags and totals.</summary>
    public static KernelScenario SeedPoolLeak(IsfLayout layout, int build)
    {
        var s = KernelScenario.Basic(layout, build);
        s.MemoryCounters = SyntheticMemoryCounters.Seed;
        s.DriverImages.Add(FixtureDrivers.Load("myfault.sys", MyfaultBase));
        SetTags(s, [.. SeedTopTags, .. SeedOtherTags]);
        return s;
    }

    /// <summary>pagedleak.sys holding 128,000,000 bytes of paged pool in 250,000 blocks of 512 bytes, tag 'LPag'.</summary>
    public static KernelScenario PagedPoolLeak(IsfLayout layout, int build)
    {
        var s = KernelScenario.Basic(layout, build);
        s.DriverImages.Add(FixtureDrivers.Load("pagedleak.sys", PagedLeakBase));
        SetTags(s, [.. SeedOtherTags, new("LPag", 0, 0, 0, 250_017, 17, 128_000_000)]);
        return s;
    }

    /// <summary>bigleak.sys holding 3,200 nonpaged blocks of 16 pages (209,715,200 bytes), tag 'LBig': big-pool allocations.</summary>
    public static KernelScenario BigPoolLeak(IsfLayout layout, int build)
    {
        var s = KernelScenario.Basic(layout, build);
        s.DriverImages.Add(FixtureDrivers.Load("bigleak.sys", BigLeakBase));
        SetTags(s, [.. SeedOtherTags, new("LBig", 3_205, 5, 209_715_200, 0, 0, 0)]);
        return s;
    }

    private static void SetTags(KernelScenario s, IEnumerable<SyntheticPoolTag> tags)
    {
        s.PoolTags.Clear();
        s.PoolTags.AddRange(tags);
    }
}
