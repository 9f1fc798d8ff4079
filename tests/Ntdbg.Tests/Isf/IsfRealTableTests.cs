using System.Diagnostics;
using System.Text.Json;
using Ntdbg.Symbols.Isf;
using Ntdbg.Tests.Support;
using Xunit.Abstractions;

namespace Ntdbg.Tests.Isf;

/// <summary>
/// The seven real kernel ISF tables: every user type, enum and symbol our loader returns equals
/// the raw JSON read independently (xz + JsonDocument).
/// </summary>
public sealed class IsfRealTableTests(ITestOutputHelper output)
{
    private static readonly string[] KeyTypes = ["_EPROCESS", "_POOL_TRACKER_TABLE", "_ERESOURCE", "_KPRCB", "_KTHREAD", "_LIST_ENTRY"];
    private static readonly string[] KeySymbols = ["KeBugCheckEx", "PsLoadedModuleList", "PoolTrackTable", "PoolTrackTableSize", "KiProcessorBlock"];

    private static IsfSymbolTable Load(string file) => IsfSymbolTable.Load(IsfRawJson.PathOf(file));

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void MetadataNamesThePdbInTheFileName(string file)
    {
        var table = Load(file);
        var raw = IsfRawJson.Root(file).GetProperty("metadata");
        var pdb = raw.GetProperty("windows").GetProperty("pdb");
        Assert.Equal(raw.GetProperty("format").GetString(), table.Metadata.Format);
        Assert.Equal(pdb.GetProperty("database").GetString(), table.Metadata.PdbName);
        Assert.Equal(pdb.GetProperty("age").GetUInt32(), table.Metadata.PdbAge);
        Assert.Equal(pdb.GetProperty("machine_type").GetUInt32(), table.Metadata.MachineType);
        Assert.Equal(pdb.GetProperty("GUID").GetString(), table.Metadata.PdbGuid!.Value.ToString("N").ToUpperInvariant());
        Assert.Equal(file, $"{pdb.GetProperty("GUID").GetString()}-{pdb.GetProperty("age").GetUInt32()}.json.xz");
        Assert.Equal(8, table.PointerSize); // all seven are x64 kernels (machine 0x8664)
        output.WriteLine($"{file}: loaded in {table.LoadTime.TotalMilliseconds:F0} ms, {table.Symbols.Count} symbols, {table.UserTypes.Count} user types, {table.Enums.Count} enums");
    }

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void KeyKernelTypesEqualRawJson(string file)
    {
        var table = Load(file);
        var raw = IsfRawJson.Root(file).GetProperty("user_types");
        foreach (var name in KeyTypes)
        {
            var type = table.TryGetUserType(name);
            Assert.True(type != null, $"{name} missing");
            CompareUserType(table, name, type, raw.GetProperty(name));
        }
        // _LIST_ENTRY is fixed by the x64 ABI: two pointers.
        var list = table.TryGetUserType("_LIST_ENTRY")!;
        Assert.Equal(16, list.Size);
        Assert.Equal(["Flink", "Blink"], list.Fields.Select(f => f.Name));
        Assert.Equal([0L, 8L], list.Fields.Select(f => f.Offset));
        Assert.All(list.Fields, f => Assert.Equal("_LIST_ENTRY*", f.Type.ToString()));
    }

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void EveryUserTypeEqualsRawJson(string file)
    {
        var table = Load(file);
        var raw = IsfRawJson.Root(file).GetProperty("user_types");
        int count = 0, fields = 0;
        foreach (var prop in raw.EnumerateObject())
        {
            var type = table.TryGetUserType(prop.Name);
            Assert.True(type != null, $"{prop.Name} missing");
            CompareUserType(table, prop.Name, type, prop.Value);
            count++;
            fields += type.Fields.Count;
        }
        Assert.Equal(count, table.UserTypes.Count);
        output.WriteLine($"{file}: {count} user types, {fields} fields compared");
    }

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void HardwarePteBitfieldsEqualRawJsonAndTheArchitecture(string file)
    {
        var table = Load(file);
        var pte = table.TryGetUserType("_MMPTE_HARDWARE")!;
        var raw = IsfRawJson.Root(file).GetProperty("user_types").GetProperty("_MMPTE_HARDWARE").GetProperty("fields");
        Assert.Equal(8, pte.Size);
        foreach (var name in new[] { "Valid", "Write", "PageFrameNumber", "NoExecute" })
        {
            var f = pte.GetField(name)!;
            var rt = raw.GetProperty(name).GetProperty("type");
            Assert.Equal(IsfTypeKind.Bitfield, f.Type.Kind);
            Assert.Equal(rt.GetProperty("bit_position").GetInt32(), f.Type.BitPosition);
            Assert.Equal(rt.GetProperty("bit_length").GetInt32(), f.Type.BitLength);
            Assert.Equal(8, table.SizeOf(f.Type));
        }
        // The x64 page-table entry format (Intel SDM vol. 3, 4.5): P is bit 0, the frame starts at bit 12, XD is bit 63.
        Assert.Equal((0, 1), (pte.GetField("Valid")!.Type.BitPosition, pte.GetField("Valid")!.Type.BitLength));
        Assert.Equal(12, pte.GetField("PageFrameNumber")!.Type.BitPosition);
        Assert.Equal((63, 1), (pte.GetField("NoExecute")!.Type.BitPosition, pte.GetField("NoExecute")!.Type.BitLength));
        // Fields come sorted by offset then bit position.
        var positions = pte.Fields.Select(f => f.Type.BitPosition).ToList();
        Assert.Equal(positions.Order(), positions);
    }

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void EnumsAndBaseTypesEqualRawJson(string file)
    {
        var table = Load(file);
        var root = IsfRawJson.Root(file);
        int constants = 0;
        foreach (var prop in root.GetProperty("enums").EnumerateObject())
        {
            var e = table.TryGetEnum(prop.Name)!;
            Assert.NotNull(e);
            Assert.Equal(prop.Value.GetProperty("base").GetString(), e.BaseTypeName);
            Assert.Equal(prop.Value.GetProperty("size").GetInt64(), e.Size);
            var expected = prop.Value.GetProperty("constants").EnumerateObject()
                .Select(c => (c.Name, c.Value.GetInt64())).OrderBy(c => c.Name, StringComparer.Ordinal).ToList();
            Assert.Equal(expected, e.Constants.Select(c => (c.Name, c.Value)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList());
            constants += expected.Count;
        }
        Assert.Equal(root.GetProperty("enums").EnumerateObject().Count(), table.Enums.Count);
        // WDK values of POOL_TYPE.
        var pool = table.TryGetEnum("_POOL_TYPE")!;
        Assert.True(pool.TryGetValue("NonPagedPool", out long np) && np == 0);
        Assert.True(pool.TryGetValue("PagedPool", out long pp) && pp == 1);
        Assert.Contains("PagedPool", pool.NamesOf(1));

        foreach (var prop in root.GetProperty("base_types").EnumerateObject())
        {
            var b = table.TryGetBaseType(prop.Name)!;
            Assert.Equal(prop.Value.GetProperty("size").GetInt32(), b.Size);
            Assert.Equal(prop.Value.GetProperty("signed").GetBoolean(), b.Signed);
            Assert.Equal(prop.Value.GetProperty("kind").GetString(), b.Kind);
            Assert.Equal(prop.Value.GetProperty("endian").GetString() == "little", b.LittleEndian);
        }
        output.WriteLine($"{file}: {table.Enums.Count} enums, {constants} constants compared");
    }

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void EverySymbolRvaEqualsRawJson(string file)
    {
        var table = Load(file);
        var raw = IsfRawJson.Root(file).GetProperty("symbols");
        int n = 0;
        foreach (var prop in raw.EnumerateObject())
        {
            Assert.True(table.TryGetSymbolRva(prop.Name, out uint rva), prop.Name);
            Assert.Equal(prop.Value.GetProperty("address").GetUInt32(), rva);
            if (prop.Value.TryGetProperty("linkage_name", out var ln))
                Assert.Equal(ln.GetString(), table.GetSymbol(prop.Name)!.LinkageName);
            n++;
        }
        Assert.Equal(n, table.Symbols.Count);
        foreach (var name in KeySymbols)
        {
            Assert.True(table.TryGetSymbolRva(name, out uint rva), $"{name} missing");
            Assert.Equal(raw.GetProperty(name).GetProperty("address").GetUInt32(), rva);
        }
        Assert.True(table.TryGetSymbolRva("kebugcheckex", out uint folded) && folded == raw.GetProperty("KeBugCheckEx").GetProperty("address").GetUInt32());
        Assert.False(table.TryGetSymbolRva("NoSuchSymbolAnywhere", out _));
    }

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void RvaLookupsEqualALinearScanOfRawJson(string file)
    {
        var table = Load(file);
        var all = IsfRawJson.Root(file).GetProperty("symbols").EnumerateObject()
            .Select(p => (Name: p.Name, Rva: p.Value.GetProperty("address").GetUInt32())).ToArray();
        uint max = all.Max(s => s.Rva);
        var rng = new Random(1234);
        for (int i = 0; i < 2000; i++)
        {
            uint probe = (uint)rng.NextInt64(0, max + 0x1000L);
            // Naive oracle: the greatest RVA <= probe; among names at that RVA, the ordinal-first.
            var below = all.Where(s => s.Rva <= probe).ToArray();
            bool found = table.TryFindByRva(probe, out string name, out uint displacement);
            if (below.Length == 0) { Assert.False(found); continue; }
            uint best = below.Max(s => s.Rva);
            string expectedName = below.Where(s => s.Rva == best).Select(s => s.Name).Order(StringComparer.Ordinal).First();
            Assert.True(found);
            Assert.Equal(expectedName, name);
            Assert.Equal(probe - best, displacement);
        }
        // KeBugCheckEx + 0x10 lands in KeBugCheckEx (nothing else starts inside its first bytes).
        Assert.True(table.TryGetSymbolRva("KeBugCheckEx", out uint ke));
        Assert.True(table.TryFindByRva(ke + 0x10, out string n2, out uint d2));
        Assert.Equal(ke, table.GetSymbol(n2)!.Rva);
        Assert.Equal(0x10u, d2);
    }

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void WildcardFindsTheSameNamesAsAScanOfRawJson(string file)
    {
        var table = Load(file);
        var names = IsfRawJson.Root(file).GetProperty("symbols").EnumerateObject().Select(p => p.Name).ToArray();
        var expected = names.Where(n => n.StartsWith("KeBugCheck", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        Assert.Contains("KeBugCheckEx", expected);
        Assert.Equal(expected, table.FindSymbols("kebugcheck*").Select(s => s.Name).Order(StringComparer.Ordinal).ToList());
        var ps = names.Where(n => n.StartsWith("Ps", StringComparison.Ordinal) && n.EndsWith("List", StringComparison.Ordinal) && n.Length >= 6)
            .Order(StringComparer.Ordinal).ToList();
        var found = table.FindSymbols("Ps*List").Select(s => s.Name).Where(n => n.StartsWith("Ps", StringComparison.Ordinal) && n.EndsWith("List", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(ps, found);
        var rvas = table.FindSymbols("Ke*").Select(s => s.Rva).ToList();
        Assert.Equal(rvas.Order(), rvas);
        Assert.Single(table.FindSymbols("KeBugCheckE?"));
    }

    [SharedDataFact(IsfRawJson.Folder)]
    public void LoadTimesAndLookupCostsAreReported()
    {
        // Figures for the report; nothing here asserts a time (machines differ).
        foreach (var path in Directory.GetFiles(TestData.Shared(IsfRawJson.Folder), "*.json.xz").Order())
        {
            IsfSymbolTable.Load(path); // warm up JIT and the file cache
            var t = IsfSymbolTable.Load(path);
            var rng = new Random(7);
            var probes = new uint[1_000_000];
            for (int i = 0; i < probes.Length; i++) probes[i] = (uint)rng.Next(0, 0x1000000);
            var clock = Stopwatch.StartNew();
            int hits = 0;
            foreach (var p in probes) if (t.TryFindByRva(p, out _, out _)) hits++;
            clock.Stop();
            output.WriteLine($"{Path.GetFileName(path)}: load {t.LoadTime.TotalMilliseconds:F0} ms; 1,000,000 RVA lookups {clock.Elapsed.TotalMilliseconds:F0} ms " +
                $"({clock.Elapsed.TotalNanoseconds / probes.Length:F0} ns each, {hits} hits)");
            Assert.True(hits > 0);
        }
    }

    // ---- comparison helpers ----------------------------------------------------------------

    private static void CompareUserType(IsfSymbolTable table, string name, IsfUserType type, JsonElement raw)
    {
        Assert.Equal(raw.GetProperty("kind").GetString(), type.Kind.ToString().ToLowerInvariant());
        Assert.Equal(raw.GetProperty("size").GetInt64(), type.Size);
        var rawFields = raw.GetProperty("fields");
        Assert.Equal(rawFields.EnumerateObject().Count(), type.Fields.Count);
        long lastOffset = -1;
        foreach (var f in type.Fields)
        {
            Assert.True(f.Offset >= lastOffset, $"{name}.{f.Name} out of offset order");
            lastOffset = f.Offset;
            var rf = rawFields.GetProperty(f.Name);
            Assert.True(rf.GetProperty("offset").GetInt64() == f.Offset, $"{name}.{f.Name} offset");
            CompareTypeRef($"{name}.{f.Name}", f.Type, rf.GetProperty("type"));
            var rawSize = RawSizeOf(IsfRawJsonRootOf(table), rf.GetProperty("type"));
            Assert.True(rawSize == table.SizeOf(f.Type), $"{name}.{f.Name}: size {table.SizeOf(f.Type)} vs raw {rawSize}");
        }
    }

    private static JsonElement IsfRawJsonRootOf(IsfSymbolTable table) => IsfRawJson.Root(Path.GetFileName(table.Path));

    private static void CompareTypeRef(string where, IsfTypeRef ours, JsonElement raw)
    {
        Assert.True(raw.GetProperty("kind").GetString() == ours.Kind.ToString().ToLowerInvariant(), $"{where}: kind");
        Assert.True((raw.TryGetProperty("name", out var n) ? n.GetString() : null) == ours.Name, $"{where}: name");
        if (raw.TryGetProperty("count", out var c)) Assert.True(c.GetInt64() == ours.Count, $"{where}: count");
        if (raw.TryGetProperty("bit_position", out var bp)) Assert.True(bp.GetInt32() == ours.BitPosition, $"{where}: bit position");
        if (raw.TryGetProperty("bit_length", out var bl)) Assert.True(bl.GetInt32() == ours.BitLength, $"{where}: bit length");
        Assert.Equal(raw.TryGetProperty("subtype", out var st), ours.Subtype != null);
        if (ours.Subtype != null) CompareTypeRef(where + "->", ours.Subtype, st);
        Assert.Equal(raw.TryGetProperty("type", out var ty), ours.Type != null);
        if (ours.Type != null) CompareTypeRef(where + ":", ours.Type, ty);
    }

    /// <summary>Size of a raw descriptor computed straight from the JSON (null when unresolvable).</summary>
    private static long? RawSizeOf(JsonElement root, JsonElement t)
    {
        string kind = t.GetProperty("kind").GetString()!;
        string? name = t.TryGetProperty("name", out var n) ? n.GetString() : null;
        JsonElement found;
        switch (kind)
        {
            case "pointer": return root.GetProperty("base_types").GetProperty("pointer").GetProperty("size").GetInt64();
            case "base": return root.GetProperty("base_types").TryGetProperty(name!, out found) ? found.GetProperty("size").GetInt64() : null;
            case "struct" or "union" or "class": return root.GetProperty("user_types").TryGetProperty(name!, out found) ? found.GetProperty("size").GetInt64() : null;
            case "enum": return root.GetProperty("enums").TryGetProperty(name!, out found) ? found.GetProperty("size").GetInt64() : null;
            case "bitfield": return RawSizeOf(root, t.GetProperty("type"));
            case "array":
                var e = RawSizeOf(root, t.GetProperty("subtype"));
                return e * t.GetProperty("count").GetInt64();
            default: return null;
        }
    }
}
