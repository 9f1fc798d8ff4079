using System.Globalization;
using System.Text.Json;

namespace Ntdbg.Tests.Fixtures;

public sealed record TruthThread(uint Id, string Name, IReadOnlyList<ulong> Owns, ulong? WaitsFor);

public sealed record TruthLock(string Name, ulong Address, uint Owner, IReadOnlyList<uint> Waiters);

/// <summary>One heap of the process as the program measured it (fixtures/src/truth.h).</summary>
public sealed record TruthHeap(ulong Handle, string Name, string Role, int Allocations, int BytesEach,
                               ulong CommittedBytes, ulong ReservedBytes, string? Marker);

/// <summary>The global holding the leaking heap's handle: where it is and what it held.</summary>
public sealed record TruthOwner(string Module, string Symbol, ulong Address, ulong Value);

/// <summary>
/// fixtures/out/&lt;program&gt;-&lt;arch&gt;.truth.json: what a fixture program knew about itself when it
/// wrote its dump (schema in fixtures/README.md, "Truth files"). Tests compare ntdbg's reading of
/// the dump with it instead of hard-coding run-dependent values (thread ids, addresses).
/// </summary>
public sealed class FixtureTruth
{
    public required string Kind { get; init; }
    public required IReadOnlyList<TruthThread> Threads { get; init; }
    public IReadOnlyList<TruthHeap> Heaps { get; init; } = [];
    public IReadOnlyList<TruthLock> Locks { get; init; } = [];
    public IReadOnlyList<uint> Cycle { get; init; } = [];
    public TruthOwner? Owner { get; init; }

    public TruthHeap LeakHeap => Heaps.Single(h => h.Role == "leak");

    public static string PathOf(string programAndArch) => FixtureFiles.Out($"{programAndArch}.truth.json");

    public static FixtureTruth Load(string programAndArch)
    {
        string path = PathOf(programAndArch);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run fixtures/generate.sh", path);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        return new FixtureTruth
        {
            Kind = root.GetProperty("kind").GetString()!,
            Threads = Array(root, "threads").Select(t => new TruthThread(
                t.GetProperty("id").GetUInt32(), t.GetProperty("name").GetString()!,
                t.TryGetProperty("owns", out var owns) ? owns.EnumerateArray().Select(Address).ToList() : [],
                t.TryGetProperty("waitsFor", out var w) && w.ValueKind == JsonValueKind.String ? Address(w) : null)).ToList(),
            Heaps = Array(root, "heaps").Select(h => new TruthHeap(
                Address(h.GetProperty("handle")), h.GetProperty("name").GetString()!, h.GetProperty("role").GetString()!,
                h.GetProperty("allocations").GetInt32(), h.GetProperty("bytesEach").GetInt32(),
                h.GetProperty("committedBytes").GetUInt64(), h.GetProperty("reservedBytes").GetUInt64(),
                h.TryGetProperty("marker", out var m) ? m.GetString() : null)).ToList(),
            Locks = Array(root, "locks").Select(l => new TruthLock(
                l.GetProperty("name").GetString()!, Address(l.GetProperty("address")), l.GetProperty("owner").GetUInt32(),
                l.GetProperty("waiters").EnumerateArray().Select(x => x.GetUInt32()).ToList())).ToList(),
            Cycle = Array(root, "cycle").Select(c => c.GetUInt32()).ToList(),
            Owner = root.TryGetProperty("owner", out var o)
                ? new TruthOwner(o.GetProperty("module").GetString()!, o.GetProperty("symbol").GetString()!,
                                 Address(o.GetProperty("address")), Address(o.GetProperty("value")))
                : null,
        };
    }

    private static IEnumerable<JsonElement> Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var array) ? array.EnumerateArray().ToList() : [];

    /// <summary>Truth addresses are "0x..." hex strings.</summary>
    private static ulong Address(JsonElement value)
    {
        string text = value.GetString()!;
        if (!text.StartsWith("0x", StringComparison.Ordinal)) throw new FormatException($"truth address '{text}' lacks 0x");
        return ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
