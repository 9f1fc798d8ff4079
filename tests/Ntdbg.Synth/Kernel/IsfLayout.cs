using System.Text.Json;
using SharpCompress.Compressors.Xz;

namespace Ntdbg.Synth.Kernel;

/// <summary>
/// Structure layouts and symbol RVAs of one Windows kernel build, read straight from its
/// Volatility ISF table (.json or .json.xz) with System.Text.Json — on purpose not through
/// ntdbg's own ISF reader, so a synthetic dump laid out with it checks that reader rather than
/// mirroring it. Field paths follow embedded structures: "Pcb.DirectoryTableBase".
/// </summary>
public sealed class IsfLayout
{
    /// <summary>The GUID prefix of each build's table in shared/testdata/kernel/isf (its README's table).</summary>
    public static readonly IReadOnlyDictionary<int, string> BuildGuidPrefix = new Dictionary<int, string>
    {
        [7601] = "339E7413",
        [9600] = "7C398E97",
        [14393] = "517E128F",
        [17763] = "8CFB4942",
        [19041] = "5278AFF8",
        [20348] = "C2EADB24",
        [22000] = "0CE4A95C",
    };

    private readonly JsonElement _types;
    private readonly JsonElement _symbols;
    private readonly JsonDocument _document;

    private IsfLayout(JsonDocument document, string path)
    {
        _document = document;
        Path = path;
        _types = document.RootElement.GetProperty("user_types");
        _symbols = document.RootElement.GetProperty("symbols");
    }

    public string Path { get; }

    /// <summary>The PDB GUID and age the table was made from ("5278AFF8...-1" without dashes in the GUID).</summary>
    public string PdbKey => System.IO.Path.GetFileName(Path).Split('.')[0];

    public static IsfLayout Load(string path)
    {
        using var file = File.OpenRead(path);
        using Stream json = path.EndsWith(".xz", StringComparison.OrdinalIgnoreCase) ? new XZStream(file) : file;
        var copy = new MemoryStream();
        json.CopyTo(copy);
        copy.Position = 0;
        return new IsfLayout(JsonDocument.Parse(copy), path);
    }

    /// <summary>The table for a build in an ISF folder laid out as Volatility's (windows/ntkrnlmp.pdb/GUID-age.json.xz).</summary>
    public static IsfLayout ForBuild(string isfRoot, int build)
    {
        if (!BuildGuidPrefix.TryGetValue(build, out string? prefix)) throw new ArgumentException($"no ISF table is known for build {build}");
        string folder = System.IO.Path.Combine(isfRoot, "windows", "ntkrnlmp.pdb");
        string file = Directory.GetFiles(folder, prefix + "*").Single();
        return Load(file);
    }

    /// <summary>The PDB's GUID as the table's metadata spells it (32 hex digits, no dashes), falling back to the file name.</summary>
    public string PdbGuid =>
        _document.RootElement.TryGetProperty("metadata", out var m) && m.TryGetProperty("windows", out var w) && w.TryGetProperty("pdb", out var pdb)
            && pdb.TryGetProperty("GUID", out var g) ? g.GetString()! : PdbKey.Split('-')[0];

    /// <summary>The PDB's age from the metadata, falling back to the file name.</summary>
    public uint PdbAge =>
        _document.RootElement.TryGetProperty("metadata", out var m) && m.TryGetProperty("windows", out var w) && w.TryGetProperty("pdb", out var pdb)
            && pdb.TryGetProperty("age", out var a) ? a.GetUInt32() : uint.Parse(PdbKey.Split('-')[1]);

    /// <summary>The PDB's file name ("ntkrnlmp.pdb").</summary>
    public string PdbName =>
        _document.RootElement.TryGetProperty("metadata", out var m) && m.TryGetProperty("windows", out var w) && w.TryGetProperty("pdb", out var pdb)
            && pdb.TryGetProperty("database", out var d) ? d.GetString()! : "ntkrnlmp.pdb";

    /// <summary>The highest symbol RVA in the table: the synthetic image must reach past it.</summary>
    public ulong MaxSymbolRva()
    {
        ulong max = 0;
        foreach (var symbol in _symbols.EnumerateObject())
            if (symbol.Value.TryGetProperty("address", out var a) && a.GetUInt64() > max) max = a.GetUInt64();
        return max;
    }

    /// <summary>Whether the table has this symbol.</summary>
    public bool HasSymbol(string symbol) => _symbols.TryGetProperty(symbol, out _);

    public bool HasType(string type) => _types.TryGetProperty(type, out _);

    /// <summary>sizeof(type).</summary>
    public ulong SizeOf(string type) => Type(type).GetProperty("size").GetUInt64();

    /// <summary>The byte offset of a field path inside a structure ("Pcb.DirectoryTableBase", "ActiveProcessLinks.Flink").</summary>
    public ulong OffsetOf(string type, string path)
    {
        ulong offset = 0;
        string current = type;
        foreach (string name in path.Split('.'))
        {
            var field = Field(current, name);
            offset += field.GetProperty("offset").GetUInt64();
            var kind = field.GetProperty("type");
            current = kind.GetProperty("kind").GetString() is "struct" or "union" ? kind.GetProperty("name").GetString()! : "";
        }
        return offset;
    }

    /// <summary>Whether a field exists (layouts differ between builds).</summary>
    public bool HasField(string type, string path)
    {
        try
        {
            OffsetOf(type, path);
            return true;
        }
        catch (KeyNotFoundException)
        {
            return false;
        }
    }

    /// <summary>The size in bytes of the field at a path (base types, pointers, structures, arrays).</summary>
    public int FieldSize(string type, string path)
    {
        var field = Field(type, path.Split('.')[0]);
        string rest = path.Contains('.') ? path[(path.IndexOf('.') + 1)..] : "";
        var kind = field.GetProperty("type");
        return rest.Length > 0 ? FieldSize(kind.GetProperty("name").GetString()!, rest) : (int)SizeOfType(kind);
    }

    private ulong SizeOfType(JsonElement kind) => kind.GetProperty("kind").GetString() switch
    {
        "pointer" => 8,
        "base" => _document.RootElement.GetProperty("base_types").GetProperty(kind.GetProperty("name").GetString()!).GetProperty("size").GetUInt64(),
        "enum" => _document.RootElement.GetProperty("enums").GetProperty(kind.GetProperty("name").GetString()!).GetProperty("size").GetUInt64(),
        "array" => kind.GetProperty("count").GetUInt64() * SizeOfType(kind.GetProperty("subtype")),
        "bitfield" => SizeOfType(kind.GetProperty("type")),
        _ => SizeOf(kind.GetProperty("name").GetString()!),
    };

    /// <summary>Whether the field at a path is a bitfield (POOL_HEADER's sizes on every build, a big page entry's PoolType on some).</summary>
    public bool IsBitfield(string type, string path)
    {
        string[] parts = path.Split('.');
        string owner = parts.Length == 1 ? type : OwnerOf(type, parts);
        return Field(owner, parts[^1]).GetProperty("type").GetProperty("kind").GetString() == "bitfield";
    }

    /// <summary>The bit position of a bitfield at a field path ("Alertable" in _KTHREAD's MiscFlags).</summary>
    public int BitPosition(string type, string path)
    {
        string[] parts = path.Split('.');
        string owner = parts.Length == 1 ? type : OwnerOf(type, parts);
        return Field(owner, parts[^1]).GetProperty("type").GetProperty("bit_position").GetInt32();
    }

    /// <summary>The value of a named constant of an enum in the table ("_KWAIT_REASON", "WrQueue").</summary>
    public long EnumValue(string enumName, string constant) =>
        _document.RootElement.GetProperty("enums").TryGetProperty(enumName, out var e) && e.GetProperty("constants").TryGetProperty(constant, out var v)
            ? v.GetInt64()
            : throw new KeyNotFoundException($"{Path}: no constant {enumName}.{constant}");

    private string OwnerOf(string type, string[] parts)
    {
        string current = type;
        foreach (string name in parts[..^1]) current = Field(current, name).GetProperty("type").GetProperty("name").GetString()!;
        return current;
    }

    /// <summary>A kernel symbol's RVA from the image base.</summary>
    public ulong Rva(string symbol) =>
        _symbols.TryGetProperty(symbol, out var s) ? s.GetProperty("address").GetUInt64() : throw new KeyNotFoundException($"{Path}: no symbol {symbol}");

    private JsonElement Type(string type) =>
        _types.TryGetProperty(type, out var t) ? t : throw new KeyNotFoundException($"{Path}: no type {type}");

    private JsonElement Field(string type, string name) =>
        Type(type).GetProperty("fields").TryGetProperty(name, out var f) ? f : throw new KeyNotFoundException($"{Path}: {type} has no field {name}");
}
