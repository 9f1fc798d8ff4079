using System.Text.Json;
using Ntdbg.Core.Errors;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// Parses ISF JSON (Volatility 3 schema 6.x) with a forward-only <see cref="Utf8JsonReader"/>: one
/// pass, no DOM. Unknown keys are skipped (the schema grows); missing required keys, wrong value
/// kinds, duplicates and values beyond <see cref="IsfLimits"/> throw one-line
/// <see cref="DumpFormatException"/>s naming the byte offset in the (decompressed) JSON.
/// </summary>
internal sealed class IsfReader
{
    private readonly string _path;
    // Names repeat thousands of times ("unsigned long", "Flink"); one string each keeps the table small.
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    // Leaf descriptors ({kind: base, name: ...}) repeat even more; they are immutable, so share them.
    private readonly Dictionary<(IsfTypeKind, string), IsfTypeRef> _leaves = new();

    private IsfReader(string path) => _path = path;

    public static IsfDocument Parse(string path, ReadOnlySpan<byte> json)
    {
        var parser = new IsfReader(path);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = IsfLimits.MaxJsonDepth });
        try
        {
            return parser.ReadDocument(ref reader);
        }
        catch (JsonException ex)
        {
            throw new DumpFormatException(path, reader.BytesConsumed, $"invalid JSON: {IsfFileBytes.OneLine(ex.Message)}");
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader reports some misuse (e.g. a string where a number was expected) this way.
            throw new DumpFormatException(path, reader.BytesConsumed, $"invalid ISF value: {IsfFileBytes.OneLine(ex.Message)}");
        }
    }

    private IsfDocument ReadDocument(ref Utf8JsonReader r)
    {
        IsfMetadata? metadata = null;
        var baseTypes = new Dictionary<string, IsfBaseType>(StringComparer.Ordinal);
        var userTypes = new Dictionary<string, IsfUserType>(StringComparer.Ordinal);
        var enums = new Dictionary<string, IsfEnum>(StringComparer.Ordinal);
        var symbols = new Dictionary<string, IsfSymbol>(StringComparer.Ordinal);
        bool sawBase = false, sawUser = false, sawEnums = false, sawSymbols = false;

        StartObject(ref r, "the ISF document");
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("metadata"u8)) metadata = ReadMetadata(ref r);
            else if (r.ValueTextEquals("base_types"u8)) { sawBase = true; ReadBaseTypes(ref r, baseTypes); }
            else if (r.ValueTextEquals("user_types"u8)) { sawUser = true; ReadUserTypes(ref r, userTypes); }
            else if (r.ValueTextEquals("enums"u8)) { sawEnums = true; ReadEnums(ref r, enums); }
            else if (r.ValueTextEquals("symbols"u8)) { sawSymbols = true; ReadSymbols(ref r, symbols); }
            else r.Skip();
        }
        if (r.Read()) throw Format(ref r, "data after the end of the ISF document");

        if (metadata == null) throw Format(ref r, "the ISF document has no \"metadata\"");
        if (!sawBase || !sawUser || !sawEnums || !sawSymbols)
            throw Format(ref r, "the ISF document lacks one of \"base_types\", \"user_types\", \"enums\", \"symbols\"");
        return new IsfDocument(metadata, baseTypes, userTypes, enums, symbols);
    }

    private IsfMetadata ReadMetadata(ref Utf8JsonReader r)
    {
        string? format = null, producerName = null, producerVersion = null, pdbName = null;
        Guid? guid = null;
        uint? age = null, machine = null;
        StartObject(ref r, "metadata");
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("format"u8)) format = ReadString(ref r, "metadata.format");
            else if (r.ValueTextEquals("producer"u8))
            {
                StartObject(ref r, "metadata.producer");
                while (NextProperty(ref r))
                {
                    if (r.ValueTextEquals("name"u8)) producerName = ReadString(ref r, "producer name");
                    else if (r.ValueTextEquals("version"u8)) producerVersion = ReadString(ref r, "producer version");
                    else r.Skip();
                }
            }
            else if (r.ValueTextEquals("windows"u8))
            {
                StartObject(ref r, "metadata.windows");
                while (NextProperty(ref r))
                {
                    if (!r.ValueTextEquals("pdb"u8)) { r.Skip(); continue; }
                    StartObject(ref r, "metadata.windows.pdb");
                    while (NextProperty(ref r))
                    {
                        if (r.ValueTextEquals("GUID"u8))
                        {
                            string text = ReadString(ref r, "PDB GUID");
                            if (!Guid.TryParse(text, out var g)) throw Format(ref r, $"PDB GUID \"{Clip(text)}\" is not a GUID");
                            guid = g;
                        }
                        else if (r.ValueTextEquals("age"u8)) age = (uint)ReadInteger(ref r, "PDB age", 0, uint.MaxValue);
                        else if (r.ValueTextEquals("database"u8)) pdbName = ReadString(ref r, "PDB name");
                        else if (r.ValueTextEquals("machine_type"u8)) machine = (uint)ReadInteger(ref r, "machine type", 0, uint.MaxValue);
                        else r.Skip();
                    }
                }
            }
            else r.Skip();
        }
        if (format == null) throw Format(ref r, "metadata has no \"format\"");
        return new IsfMetadata(format, producerName, producerVersion, pdbName, guid, age, machine);
    }

    private void ReadBaseTypes(ref Utf8JsonReader r, Dictionary<string, IsfBaseType> into)
    {
        StartObject(ref r, "base_types");
        while (NextProperty(ref r))
        {
            string name = Name(ref r);
            int size = -1;
            bool? signed = null;
            string? kind = null;
            bool little = true;
            StartObject(ref r, $"base type {name}");
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals("size"u8)) size = (int)ReadInteger(ref r, $"size of base type {name}", 0, 1024);
                else if (r.ValueTextEquals("signed"u8)) signed = ReadBool(ref r, $"signedness of base type {name}");
                else if (r.ValueTextEquals("kind"u8)) kind = Intern(ReadString(ref r, $"kind of base type {name}"));
                else if (r.ValueTextEquals("endian"u8)) little = ReadString(ref r, $"endianness of base type {name}") != "big";
                else r.Skip();
            }
            if (size < 0 || kind == null) throw Format(ref r, $"base type {name} lacks \"size\" or \"kind\"");
            Add(ref r, into, name, new IsfBaseType(name, size, signed ?? false, kind, little), "base type", IsfLimits.MaxTypes);
        }
    }

    private void ReadUserTypes(ref Utf8JsonReader r, Dictionary<string, IsfUserType> into)
    {
        StartObject(ref r, "user_types");
        var fields = new List<IsfField>();
        while (NextProperty(ref r))
        {
            string name = Name(ref r);
            IsfTypeKind? kind = null;
            long size = -1;
            fields.Clear();
            StartObject(ref r, $"user type {name}");
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals("kind"u8))
                {
                    Next(ref r);
                    if (r.ValueTextEquals("struct"u8)) kind = IsfTypeKind.Struct;
                    else if (r.ValueTextEquals("union"u8)) kind = IsfTypeKind.Union;
                    else if (r.ValueTextEquals("class"u8)) kind = IsfTypeKind.Class;
                    else throw Format(ref r, $"user type {name} has kind {Describe(ref r)}, not struct, union or class");
                }
                else if (r.ValueTextEquals("size"u8)) size = ReadInteger(ref r, $"size of {name}", 0, IsfLimits.MaxTypeSize);
                else if (r.ValueTextEquals("fields"u8)) ReadFields(ref r, name, fields);
                else r.Skip();
            }
            if (kind == null || size < 0) throw Format(ref r, $"user type {name} lacks \"kind\" or \"size\"");
            var sorted = fields.ToArray();
            Array.Sort(sorted, CompareFields);
            Add(ref r, into, name, new IsfUserType(name, kind.Value, size, sorted), "user type", IsfLimits.MaxTypes);
        }
    }

    private static int CompareFields(IsfField a, IsfField b)
    {
        int c = a.Offset.CompareTo(b.Offset);
        if (c != 0) return c;
        c = a.Type.BitPosition.CompareTo(b.Type.BitPosition);
        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }

    private void ReadFields(ref Utf8JsonReader r, string owner, List<IsfField> into)
    {
        StartObject(ref r, $"fields of {owner}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextProperty(ref r))
        {
            string name = Name(ref r);
            if (!seen.Add(name)) throw Format(ref r, $"{owner} has two fields named {Clip(name)}");
            if (into.Count >= IsfLimits.MaxFieldsPerType) throw Format(ref r, $"{owner} has more than {IsfLimits.MaxFieldsPerType} fields");
            long offset = -1;
            IsfTypeRef? type = null;
            bool anonymous = false;
            StartObject(ref r, $"field {owner}.{name}");
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals("offset"u8)) offset = ReadInteger(ref r, $"offset of {owner}.{name}", 0, IsfLimits.MaxTypeSize);
                else if (r.ValueTextEquals("type"u8)) type = ReadTypeRef(ref r, 1, $"{owner}.{name}");
                else if (r.ValueTextEquals("anonymous"u8)) anonymous = ReadBool(ref r, $"anonymous flag of {owner}.{name}");
                else r.Skip();
            }
            if (offset < 0 || type == null) throw Format(ref r, $"field {owner}.{name} lacks \"offset\" or \"type\"");
            into.Add(new IsfField(name, offset, type, anonymous));
        }
    }

    private void ReadEnums(ref Utf8JsonReader r, Dictionary<string, IsfEnum> into)
    {
        StartObject(ref r, "enums");
        var constants = new List<IsfEnumConstant>();
        while (NextProperty(ref r))
        {
            string name = Name(ref r);
            string? baseType = null;
            long size = -1;
            constants.Clear();
            StartObject(ref r, $"enum {name}");
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals("base"u8)) baseType = Intern(ReadString(ref r, $"base of enum {name}"));
                else if (r.ValueTextEquals("size"u8)) size = ReadInteger(ref r, $"size of enum {name}", 0, 16);
                else if (r.ValueTextEquals("constants"u8))
                {
                    StartObject(ref r, $"constants of enum {name}");
                    while (NextProperty(ref r))
                    {
                        string constant = Name(ref r);
                        if (constants.Count >= IsfLimits.MaxEnumConstants)
                            throw Format(ref r, $"enum {name} has more than {IsfLimits.MaxEnumConstants} constants");
                        Next(ref r);
                        constants.Add(new IsfEnumConstant(constant, EnumValue(ref r, name, constant)));
                    }
                }
                else r.Skip();
            }
            if (baseType == null || size < 0) throw Format(ref r, $"enum {name} lacks \"base\" or \"size\"");
            var sorted = constants.ToArray();
            Array.Sort(sorted, (a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : string.CompareOrdinal(a.Name, b.Name));
            Add(ref r, into, name, new IsfEnum(name, baseType, size, sorted), "enum", IsfLimits.MaxTypes);
        }
    }

    private long EnumValue(ref Utf8JsonReader r, string owner, string constant)
    {
        if (r.TokenType == JsonTokenType.Number)
        {
            if (r.TryGetInt64(out long v)) return v;
            if (r.TryGetUInt64(out ulong u)) return unchecked((long)u); // 64-bit masks stored unsigned
        }
        throw Format(ref r, $"constant {owner}.{Clip(constant)} is {Describe(ref r)}, not a 64-bit integer");
    }

    private void ReadSymbols(ref Utf8JsonReader r, Dictionary<string, IsfSymbol> into)
    {
        StartObject(ref r, "symbols");
        while (NextProperty(ref r))
        {
            string name = r.GetString()!;
            if (into.ContainsKey(name)) throw Format(ref r, $"two symbols named {Clip(name)}");
            if (into.Count >= IsfLimits.MaxSymbols) throw Format(ref r, $"more than {IsfLimits.MaxSymbols} symbols");
            long address = -1;
            string? linkage = null;
            IsfTypeRef? type = null;
            StartObject(ref r, $"symbol {name}");
            while (NextProperty(ref r))
            {
                if (r.ValueTextEquals("address"u8)) address = ReadInteger(ref r, $"address of {name}", 0, uint.MaxValue);
                else if (r.ValueTextEquals("linkage_name"u8)) linkage = ReadString(ref r, $"linkage name of {name}");
                else if (r.ValueTextEquals("type"u8)) type = ReadTypeRef(ref r, 1, name);
                else r.Skip();
            }
            if (address < 0) throw Format(ref r, $"symbol {Clip(name)} has no \"address\"");
            into.Add(name, new IsfSymbol(name, (uint)address, linkage, type));
        }
    }

    /// <summary>Reads one type descriptor; the reader is on its property name (or array slot).</summary>
    private IsfTypeRef ReadTypeRef(ref Utf8JsonReader r, int depth, string where)
    {
        if (depth > IsfLimits.MaxTypeDepth)
            throw Format(ref r, $"type of {where} nests deeper than {IsfLimits.MaxTypeDepth} levels");
        StartObject(ref r, $"type of {where}");
        IsfTypeKind? kind = null;
        string? name = null;
        IsfTypeRef? subtype = null, storage = null;
        long count = -1, bitPosition = -1, bitLength = -1;
        while (NextProperty(ref r))
        {
            if (r.ValueTextEquals("kind"u8)) { Next(ref r); kind = ParseKind(ref r, where); }
            else if (r.ValueTextEquals("name"u8)) name = Intern(ReadString(ref r, $"type name in {where}"));
            else if (r.ValueTextEquals("subtype"u8)) subtype = ReadTypeRef(ref r, depth + 1, where);
            else if (r.ValueTextEquals("type"u8)) storage = ReadTypeRef(ref r, depth + 1, where);
            else if (r.ValueTextEquals("count"u8)) count = ReadInteger(ref r, $"array count in {where}", 0, IsfLimits.MaxArrayCount);
            else if (r.ValueTextEquals("bit_position"u8)) bitPosition = ReadInteger(ref r, $"bit position in {where}", 0, 127);
            else if (r.ValueTextEquals("bit_length"u8)) bitLength = ReadInteger(ref r, $"bit length in {where}", 1, 128);
            else r.Skip();
        }
        switch (kind)
        {
            case null:
                throw Format(ref r, $"type of {where} has no \"kind\"");
            case IsfTypeKind.Base or IsfTypeKind.Struct or IsfTypeKind.Union or IsfTypeKind.Class or IsfTypeKind.Enum:
                if (name == null) throw Format(ref r, $"{kind.Value.ToString().ToLowerInvariant()} type of {where} has no \"name\"");
                if (_leaves.TryGetValue((kind.Value, name), out var shared)) return shared;
                var leaf = new IsfTypeRef(kind.Value, name);
                _leaves.Add((kind.Value, name), leaf);
                return leaf;
            case IsfTypeKind.Pointer:
                if (subtype == null) throw Format(ref r, $"pointer type of {where} has no \"subtype\"");
                return new IsfTypeRef(IsfTypeKind.Pointer, name, subtype);
            case IsfTypeKind.Array:
                if (subtype == null || count < 0) throw Format(ref r, $"array type of {where} lacks \"subtype\" or \"count\"");
                return new IsfTypeRef(IsfTypeKind.Array, name, subtype, count);
            case IsfTypeKind.Bitfield:
                if (storage == null || bitPosition < 0 || bitLength < 0)
                    throw Format(ref r, $"bitfield type of {where} lacks \"type\", \"bit_position\" or \"bit_length\"");
                if (bitPosition + bitLength > 128) throw Format(ref r, $"bitfield of {where} ends past bit 128");
                return new IsfTypeRef(IsfTypeKind.Bitfield, name, null, 0, (int)bitPosition, (int)bitLength, storage);
            default:
                return new IsfTypeRef(kind.Value, name);
        }
    }

    private IsfTypeKind ParseKind(ref Utf8JsonReader r, string where)
    {
        if (r.TokenType == JsonTokenType.String)
        {
            if (r.ValueTextEquals("base"u8)) return IsfTypeKind.Base;
            if (r.ValueTextEquals("pointer"u8)) return IsfTypeKind.Pointer;
            if (r.ValueTextEquals("array"u8)) return IsfTypeKind.Array;
            if (r.ValueTextEquals("struct"u8)) return IsfTypeKind.Struct;
            if (r.ValueTextEquals("union"u8)) return IsfTypeKind.Union;
            if (r.ValueTextEquals("class"u8)) return IsfTypeKind.Class;
            if (r.ValueTextEquals("enum"u8)) return IsfTypeKind.Enum;
            if (r.ValueTextEquals("function"u8)) return IsfTypeKind.Function;
            if (r.ValueTextEquals("bitfield"u8)) return IsfTypeKind.Bitfield;
        }
        throw Format(ref r, $"type of {where} has unknown kind {Describe(ref r)}");
    }

    // ---- token helpers --------------------------------------------------------------------

    private void Next(ref Utf8JsonReader r)
    {
        if (!r.Read()) throw Format(ref r, "the JSON ends early");
    }

    private void StartObject(ref Utf8JsonReader r, string what)
    {
        Next(ref r);
        if (r.TokenType != JsonTokenType.StartObject) throw Format(ref r, $"{what} is {Describe(ref r)}, not an object");
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private bool NextProperty(ref Utf8JsonReader r)
    {
        Next(ref r);
        return r.TokenType == JsonTokenType.PropertyName;
    }

    private string Name(ref Utf8JsonReader r) => Intern(r.GetString()!);

    private string ReadString(ref Utf8JsonReader r, string what)
    {
        Next(ref r);
        if (r.TokenType != JsonTokenType.String) throw Format(ref r, $"{what} is {Describe(ref r)}, not a string");
        return r.GetString()!;
    }

    private bool ReadBool(ref Utf8JsonReader r, string what)
    {
        Next(ref r);
        return r.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw Format(ref r, $"{what} is {Describe(ref r)}, not true or false"),
        };
    }

    private long ReadInteger(ref Utf8JsonReader r, string what, long min, long max)
    {
        Next(ref r);
        if (r.TokenType != JsonTokenType.Number || !r.TryGetInt64(out long v))
            throw Format(ref r, $"{what} is {Describe(ref r)}, not an integer");
        if (v < min || v > max) throw Format(ref r, $"{what} {v} is outside {min}..{max}");
        return v;
    }

    private void Add<T>(ref Utf8JsonReader r, Dictionary<string, T> into, string name, T value, string what, int max)
    {
        if (into.Count >= max) throw Format(ref r, $"more than {max} {what}s");
        if (!into.TryAdd(name, value)) throw Format(ref r, $"two {what}s named {Clip(name)}");
    }

    private string Intern(string s)
    {
        if (_names.TryGetValue(s, out var known)) return known;
        _names.Add(s, s);
        return s;
    }

    private static string Describe(ref Utf8JsonReader r) => r.TokenType switch
    {
        JsonTokenType.String => $"\"{Clip(r.GetString() ?? "")}\"",
        JsonTokenType.Number => "a non-integer number",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => r.TokenType.ToString(),
    };

    private static string Clip(string s) => s.Length <= 60 ? s : s[..57] + "...";

    private DumpFormatException Format(ref Utf8JsonReader r, string problem) =>
        new(_path, r.TokenStartIndex, problem);
}
