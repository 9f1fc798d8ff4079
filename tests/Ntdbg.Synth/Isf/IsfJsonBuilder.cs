using System.Text;

namespace Ntdbg.Synth.Isf;

/// <summary>
/// Writes Volatility 3 ISF JSON text by hand (no JSON library, no ntdbg types), so tests can build
/// small valid tables and bend any part of them into a hostile shape. Each section is kept as raw
/// JSON member text; <see cref="Raw"/> replaces a whole section.
/// </summary>
public sealed class IsfJsonBuilder
{
    private readonly List<string> _baseTypes = [];
    private readonly List<string> _userTypes = [];
    private readonly List<string> _enums = [];
    private readonly List<string> _symbols = [];
    private readonly Dictionary<string, string> _rawSections = [];
    private readonly List<string> _extraTopLevel = [];

    public string Guid { get; set; } = "11223344556677889900AABBCCDDEEFF";
    public int Age { get; set; } = 2;
    public string PdbName { get; set; } = "synth.pdb";

    /// <summary>The usual x64 base types ("unsigned long", "unsigned long long", "pointer", ...).</summary>
    public IsfJsonBuilder StandardBaseTypes()
    {
        BaseType("char", 1, true, "char");
        BaseType("unsigned char", 1, false, "char");
        BaseType("unsigned short", 2, false, "int");
        BaseType("long", 4, true, "int");
        BaseType("unsigned long", 4, false, "int");
        BaseType("unsigned long long", 8, false, "int");
        BaseType("pointer", 8, false, "int");
        BaseType("void", 0, true, "void");
        return this;
    }

    public IsfJsonBuilder BaseType(string name, int size, bool signed, string kind) =>
        AddTo(_baseTypes, name, $"{{\"endian\": \"little\", \"kind\": \"{kind}\", \"signed\": {(signed ? "true" : "false")}, \"size\": {size}}}");

    /// <summary>A struct/union; <paramref name="fields"/> are (name, offset, raw type descriptor JSON).</summary>
    public IsfJsonBuilder UserType(string name, string kind, long size, params (string Name, long Offset, string TypeJson)[] fields)
    {
        var f = string.Join(", ", fields.Select(x => $"{Quote(x.Name)}: {{\"offset\": {x.Offset}, \"type\": {x.TypeJson}}}"));
        return AddTo(_userTypes, name, $"{{\"fields\": {{{f}}}, \"kind\": \"{kind}\", \"size\": {size}}}");
    }

    public IsfJsonBuilder Enum(string name, string baseType, int size, params (string Name, string Value)[] constants)
    {
        var c = string.Join(", ", constants.Select(x => $"{Quote(x.Name)}: {x.Value}"));
        return AddTo(_enums, name, $"{{\"base\": {Quote(baseType)}, \"constants\": {{{c}}}, \"size\": {size}}}");
    }

    public IsfJsonBuilder Symbol(string name, string address, string? typeJson = null) =>
        AddTo(_symbols, name, typeJson == null ? $"{{\"address\": {address}}}" : $"{{\"address\": {address}, \"type\": {typeJson}}}");

    /// <summary>Adds a raw member to a section (any text, for hostile shapes).</summary>
    public IsfJsonBuilder RawMember(string section, string name, string valueJson) => section switch
    {
        "base_types" => AddTo(_baseTypes, name, valueJson),
        "user_types" => AddTo(_userTypes, name, valueJson),
        "enums" => AddTo(_enums, name, valueJson),
        "symbols" => AddTo(_symbols, name, valueJson),
        _ => throw new ArgumentException(section),
    };

    /// <summary>Replaces a whole top-level section ("metadata", "symbols", ...) with raw text; null drops it.</summary>
    public IsfJsonBuilder Raw(string section, string? json) { _rawSections[section] = json!; return this; }

    public IsfJsonBuilder ExtraTopLevel(string name, string json) { _extraTopLevel.Add($"{Quote(name)}: {json}"); return this; }

    public string Build()
    {
        var sections = new List<(string Name, string? Json)>
        {
            ("base_types", Obj(_baseTypes)),
            ("enums", Obj(_enums)),
            ("metadata", $"{{\"format\": \"6.1.0\", \"producer\": {{\"name\": \"synth\", \"version\": \"1\"}}, " +
                $"\"windows\": {{\"pdb\": {{\"GUID\": {Quote(Guid)}, \"age\": {Age}, \"database\": {Quote(PdbName)}, \"machine_type\": 34404}}}}}}"),
            ("symbols", Obj(_symbols)),
            ("user_types", Obj(_userTypes)),
        };
        var sb = new StringBuilder("{");
        bool first = true;
        foreach (var (name, json) in sections)
        {
            string? text = _rawSections.TryGetValue(name, out var raw) ? raw : json;
            if (text == null) continue;
            if (!first) sb.Append(", ");
            sb.Append(Quote(name)).Append(": ").Append(text);
            first = false;
        }
        foreach (var extra in _extraTopLevel) sb.Append(first ? "" : ", ").Append(extra);
        return sb.Append('}').ToString();
    }

    public byte[] BuildUtf8() => Encoding.UTF8.GetBytes(Build());

    // ---- descriptor helpers (raw JSON text) ----

    public static string Base(string name) => $"{{\"kind\": \"base\", \"name\": {Quote(name)}}}";
    public static string Struct(string name) => $"{{\"kind\": \"struct\", \"name\": {Quote(name)}}}";
    public static string EnumRef(string name) => $"{{\"kind\": \"enum\", \"name\": {Quote(name)}}}";
    public static string Pointer(string subtype) => $"{{\"kind\": \"pointer\", \"subtype\": {subtype}}}";
    public static string Array(string subtype, long count) => $"{{\"count\": {count}, \"kind\": \"array\", \"subtype\": {subtype}}}";
    public static string Bitfield(string type, int position, int length) =>
        $"{{\"bit_length\": {length}, \"bit_position\": {position}, \"kind\": \"bitfield\", \"type\": {type}}}";
    public static string Function() => "{\"kind\": \"function\"}";

    public static string Quote(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            if (c == '"' || c == '\\') sb.Append('\\').Append(c);
            else if (c < 0x20) sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    private IsfJsonBuilder AddTo(List<string> list, string name, string value) { list.Add($"{Quote(name)}: {value}"); return this; }

    private static string Obj(List<string> members) => "{" + string.Join(", ", members) + "}";
}
