using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ntdbg.Commands.Session;
using Ntdbg.Targets;
using Ntdbg.Tests.Commands;
using Ntdbg.Tests.Isf;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Types;

/// <summary>
/// `dt nt!_EPROCESS`, `dt nt!_POOL_TRACKER_TABLE` and `dt nt!_ERESOURCE` from every ISF table:
/// each printed line's offset, name and type spelling agree with the table's raw JSON (parsed
/// without ntdbg), bitfields with their position and length.
/// </summary>
public sealed class DtIsfAcceptanceTests
{
    private const string DumpPath = "kernel/triage_x64_19041.dmp";
    private static readonly Regex LineRe = new(@"^   \+0x([0-9a-f]+) (\S+)\s+: (.*)$");

    public static IEnumerable<object[]> Cases()
    {
        foreach (var f in IsfRawJson.Files())
            foreach (var t in new[] { "_EPROCESS", "_POOL_TRACKER_TABLE", "_ERESOURCE" })
                yield return [f[0], t];
    }

    [SharedDataTheory]
    [MemberData(nameof(Cases))]
    public void LayoutEqualsTheIsfTable(string file, string typeName)
    {
        if (file == "(absent)") return;
        using var target = TargetLoader.Open(TestData.Shared(DumpPath));
        var session = new DebugSession(target);
        session.SymbolTable.Attach(session.SymbolTable.Find("nt")!, Ntdbg.Symbols.Isf.IsfSymbolSource.Load(IsfRawJson.PathOf(file)));
        var lines = Run.Text(target, $"dt nt!{typeName}", session).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal($"nt!{typeName}", lines[0]);

        var raw = IsfRawJson.Root(file).GetProperty("user_types").GetProperty(typeName);
        var fields = raw.GetProperty("fields").EnumerateObject()
            .Select(f => (Name: f.Name, Offset: f.Value.GetProperty("offset").GetUInt64(), Type: f.Value.GetProperty("type")))
            .OrderBy(f => f.Offset).ToList();
        var printed = lines.Skip(1).Select(l => LineRe.Match(l)).ToList();
        Assert.All(printed, m => Assert.True(m.Success));
        Assert.Equal(fields.Count, printed.Count);
        // Same members at the same offsets (ties at one offset — unions, bitfields — in any order).
        Assert.Equal(fields.Select(f => (f.Offset, f.Name)).Order(),
            printed.Select(m => (ulong.Parse(m.Groups[1].Value, NumberStyles.HexNumber), m.Groups[2].Value)).Order());
        foreach (var m in printed)
        {
            var f = fields.First(x => x.Name == m.Groups[2].Value);
            Assert.Equal(Expected(f.Type), m.Groups[3].Value);
        }
    }

    // The spelling the JSON descriptor implies, built from the JSON alone.
    private static string Expected(JsonElement t) => t.GetProperty("kind").GetString() switch
    {
        "pointer" => t.GetProperty("subtype") is var sub && sub.GetProperty("kind").GetString() == "function" ? "Ptr64     void" : "Ptr64 " + Pointee(sub),
        "array" => $"[{t.GetProperty("count").GetInt64()}] {Expected(t.GetProperty("subtype"))}",
        "bitfield" => $"Pos {t.GetProperty("bit_position").GetInt32()}, {t.GetProperty("bit_length").GetInt32()} Bit{(t.GetProperty("bit_length").GetInt32() == 1 ? "" : "s")}",
        "base" => Base(t.GetProperty("name").GetString()!),
        _ => t.GetProperty("name").GetString()!,
    };

    private static string Pointee(JsonElement t) => t.GetProperty("kind").GetString() == "base" && t.GetProperty("name").GetString() == "void" ? "Void" : Expected(t);

    private static string Base(string name) => name switch
    {
        "void" => "Void",
        "char" => "Char",
        "unsigned char" => "UChar",
        "wchar" or "wchar_t" => "Wchar",
        "short" => "Int2B",
        "unsigned short" => "Uint2B",
        "int" or "long" => "Int4B",
        "unsigned int" or "unsigned long" => "Uint4B",
        "long long" => "Int8B",
        "unsigned long long" => "Uint8B",
        "pointer" => "Ptr64 Void",
        "float" => "Float",
        _ => name,
    };
}
