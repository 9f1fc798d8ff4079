using System.Text;
using Ntdbg.Core.Errors;
using Ntdbg.Symbols.Isf;
using Ntdbg.Tests.Support;
using B = Ntdbg.Synth.Isf.IsfJsonBuilder;

namespace Ntdbg.Tests.Isf;

/// <summary>Malformed and hostile ISF input: one-line <see cref="DumpFormatException"/>, never a crash, hang or huge allocation.</summary>
public sealed class IsfHostileTests
{
    private const string Table19041 = IsfRawJson.Folder + "/5278AFF86C341677D7D7835C85B7B844-1.json.xz";

    private static DumpFormatException Rejects(string json, string expectedFragment) => Rejects(Encoding.UTF8.GetBytes(json), expectedFragment);

    private static DumpFormatException Rejects(byte[] json, string expectedFragment)
    {
        var ex = Assert.Throws<DumpFormatException>(() => IsfSymbolTable.Parse("hostile.json", json));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Contains(expectedFragment, ex.Message);
        return ex;
    }

    private static DumpFormatException RejectsFile(byte[] bytes, string suffix)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-isf-{Guid.NewGuid():N}{suffix}");
        try
        {
            File.WriteAllBytes(path, bytes);
            var ex = Assert.Throws<DumpFormatException>(() => IsfSymbolTable.Load(path));
            Assert.DoesNotContain('\n', ex.Message);
            Assert.StartsWith(Path.GetFileName(path) + ":", ex.Message);
            return ex;
        }
        finally { File.Delete(path); }
    }

    [SharedDataFact(Table19041)]
    public void TruncatedXzIsRejected()
    {
        var bytes = File.ReadAllBytes(TestData.Shared(Table19041));
        foreach (int length in new[] { 6, 12, 100, bytes.Length / 2, bytes.Length - 1 })
            RejectsFile(bytes[..length], ".json.xz");
    }

    [SharedDataFact(Table19041)]
    public void CorruptXzIsRejected()
    {
        var bytes = File.ReadAllBytes(TestData.Shared(Table19041));
        var rng = new Random(99);
        foreach (int at in new[] { 8, 40, bytes.Length / 3, bytes.Length / 2, bytes.Length - 20 })
        {
            var copy = (byte[])bytes.Clone();
            for (int i = 0; i < 16; i++) copy[Math.Min(at + i, copy.Length - 1)] ^= (byte)rng.Next(1, 256);
            RejectsFile(copy, ".json.xz");
        }
    }

    [ToolFact("xz", needsSharedData: false)]
    public void DecompressionStopsAtTheSizeCap()
    {
        // 8 MiB of spaces compress to about a kilobyte; with a 1 MiB cap the load must stop there.
        string plain = Path.Combine(Path.GetTempPath(), $"ntdbg-isf-bomb-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllBytes(plain, new byte[8 << 20].Select(_ => (byte)' ').ToArray());
            Tools.Run("xz", "-z", "-k", plain);
            string compressed = plain + ".xz";
            Assert.True(new FileInfo(compressed).Length < 64 << 10);
            var ex = Assert.Throws<DumpFormatException>(() => IsfSymbolTable.Load(compressed, 1 << 20));
            Assert.Contains("expands beyond the limit of 1048576 bytes", ex.Message);
            // A plain file over the cap is refused before it is read.
            ex = Assert.Throws<DumpFormatException>(() => IsfSymbolTable.Load(plain, 1 << 20));
            Assert.Contains("exceeds the limit", ex.Message);
            // Under a large enough cap the same bytes decompress and then fail as JSON (all blanks).
            ex = Assert.Throws<DumpFormatException>(() => IsfSymbolTable.Load(compressed, 16 << 20));
            Assert.Contains("JSON", ex.Message);
        }
        finally
        {
            File.Delete(plain);
            File.Delete(plain + ".xz");
        }
    }

    [Fact]
    public void XzMagicWithGarbageIsRejected()
    {
        var ex = RejectsFile([0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], ".json.xz");
        Assert.Contains("XZ", ex.Message);
    }

    [Fact]
    public void EmptyAndNonJsonFilesAreRejected()
    {
        RejectsFile([], ".json");
        RejectsFile(Encoding.ASCII.GetBytes("MZ this is not json"), ".json");
        Rejects("[1, 2, 3]", "not an object");
        Rejects("{\"metadata\": {\"format\": \"6.1.0\"}} trailing", "invalid JSON");
    }

    [Fact]
    public void DeepJsonNestingIsRejectedByTheDepthCap()
    {
        string deep = "{\"future\": " + new string('[', 100_000) + new string(']', 100_000) + "}";
        Rejects(deep, "invalid JSON");
    }

    [Fact]
    public void DeepTypeDescriptorIsRejectedByTheTypeDepthCap()
    {
        string t = B.Base("unsigned long");
        for (int i = 0; i < 40; i++) t = B.Pointer(t);
        var ex = Rejects(new B().StandardBaseTypes().UserType("_DEEP", "struct", 8, ("P", 0, t)).Build(), "nests deeper than");
        Assert.Contains("_DEEP.P", ex.Message);
    }

    [Fact]
    public void HugeArraysAreRejectedOrSkippedWithoutAllocatingPerElement()
    {
        // A JSON array where an object belongs.
        var big = "[" + string.Join(",", Enumerable.Repeat("0", 2_000_000)) + "]";
        Rejects(new B().StandardBaseTypes().Raw("symbols", big).Build(), "symbols is an array, not an object");
        // An absurd element count in a type descriptor.
        Rejects(new B().StandardBaseTypes().UserType("_HUGE", "struct", 8, ("A", 0, B.Array(B.Base("unsigned char"), 1L << 50))).Build(), "array count");
        // A count at the cap times a large element overflows the size cap: no size, no exception.
        var t = IsfSymbolTable.Parse("ok.json", new B().StandardBaseTypes()
            .UserType("_BIG", "struct", 1L << 30)
            .UserType("_ARR", "struct", 8, ("A", 0, B.Array(B.Struct("_BIG"), 1L << 40))).BuildUtf8());
        Assert.Null(t.SizeOf(t.TryGetUserType("_ARR")!.GetField("A")!.Type));
    }

    [Theory]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"fields\": {}}", "lacks \"kind\" or \"size\"")]
    [InlineData("user_types", "_X", "{\"kind\": \"interface\", \"size\": 4, \"fields\": {}}", "not struct, union or class")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": \"4\", \"fields\": {}}", "not an integer")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": -4, \"fields\": {}}", "outside")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"type\": {\"kind\": \"base\", \"name\": \"long\"}}}}", "lacks \"offset\" or \"type\"")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0}}}", "lacks \"offset\" or \"type\"")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": {\"name\": \"long\"}}}}", "has no \"kind\"")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": {\"kind\": \"base\"}}}}", "has no \"name\"")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": {\"kind\": \"pointer\"}}}}", "no \"subtype\"")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": {\"kind\": \"array\", \"subtype\": {\"kind\": \"base\", \"name\": \"long\"}}}}}", "lacks \"subtype\" or \"count\"")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": {\"kind\": \"bitfield\", \"bit_position\": 3, \"type\": {\"kind\": \"base\", \"name\": \"long\"}}}}}", "lacks \"type\", \"bit_position\" or \"bit_length\"")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": {\"kind\": \"bitfield\", \"bit_position\": 100, \"bit_length\": 60, \"type\": {\"kind\": \"base\", \"name\": \"long\"}}}}}", "ends past bit 128")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": {\"kind\": \"tuple\"}}}}", "unknown kind")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": 7}}}", "not an object")]
    [InlineData("user_types", "_X", "{\"kind\": \"struct\", \"size\": 4, \"fields\": {\"a\": {\"offset\": 0, \"type\": {\"kind\": \"base\", \"name\": \"long\"}}, \"a\": {\"offset\": 0, \"type\": {\"kind\": \"base\", \"name\": \"long\"}}}}", "two fields named a")]
    [InlineData("symbols", "S", "{\"linkage_name\": \"_S\"}", "has no \"address\"")]
    [InlineData("symbols", "S", "{\"address\": -1}", "outside")]
    [InlineData("symbols", "S", "{\"address\": 4294967296}", "outside")]
    [InlineData("symbols", "S", "{\"address\": 1.5}", "not an integer")]
    [InlineData("symbols", "S", "{\"address\": null}", "not an integer")]
    [InlineData("enums", "_E", "{\"base\": \"long\", \"constants\": {\"A\": 1}}", "lacks \"base\" or \"size\"")]
    [InlineData("enums", "_E", "{\"base\": \"long\", \"size\": 4, \"constants\": {\"A\": \"one\"}}", "not a 64-bit integer")]
    [InlineData("enums", "_E", "{\"base\": \"long\", \"size\": 4, \"constants\": {\"A\": 1e300}}", "not a 64-bit integer")]
    [InlineData("base_types", "odd", "{\"signed\": true}", "lacks \"size\" or \"kind\"")]
    [InlineData("base_types", "odd", "{\"size\": 4, \"kind\": \"int\", \"signed\": \"yes\"}", "not true or false")]
    public void MalformedMembersAreNamed(string section, string name, string valueJson, string expected)
    {
        Rejects(new B().StandardBaseTypes().RawMember(section, name, valueJson).Build(), expected);
    }

    [Fact]
    public void DuplicatesAndMissingSectionsAreRejected()
    {
        Rejects(new B().StandardBaseTypes().Symbol("Twice", "1").Symbol("Twice", "2").Build(), "two symbols named Twice");
        Rejects(new B().StandardBaseTypes().UserType("_T", "struct", 4).UserType("_T", "struct", 4).Build(), "two user types named _T");
        Rejects(new B().StandardBaseTypes().Raw("metadata", null).Build(), "no \"metadata\"");
        Rejects(new B().StandardBaseTypes().Raw("symbols", null).Build(), "lacks one of");
        Rejects(new B().StandardBaseTypes().Raw("metadata", "{\"windows\": {}}").Build(), "no \"format\"");
        Rejects(new B { Guid = "not-a-guid" }.StandardBaseTypes().Build(), "is not a GUID");
    }

    [Fact]
    public void ErrorsNameTheJsonOffset()
    {
        string json = new B().StandardBaseTypes().RawMember("symbols", "Bad", "{\"address\": \"x\"}").Build();
        var ex = Rejects(json, "address of Bad");
        Assert.Equal(json.IndexOf("\"x\"", StringComparison.Ordinal), ex.Offset);
    }
}
