using Ntdbg.Symbols.Isf;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Isf;

/// <summary>
/// The parsed-table cache: a table read back from the cache equals the table parsed from its JSON
/// (every symbol, type, field, enum and base type, in the same order), for all seven real tables;
/// a damaged entry is ignored and rewritten; an entry is found by the file's contents, so a file
/// replaced in place is never answered from the old table; an unusable folder just means no cache.
/// </summary>
public sealed class IsfCacheTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"ntdbg-isfcache-test-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
    }

    [SharedDataTheory]
    [MemberData(nameof(IsfRawJson.Files), MemberType = typeof(IsfRawJson))]
    public void CachedTableEqualsTheParsedOne(string file)
    {
        string path = IsfRawJson.PathOf(file);
        var parsed = IsfSymbolTable.LoadCached(path, null);
        var first = IsfSymbolTable.LoadCached(path, _folder);
        var second = IsfSymbolTable.LoadCached(path, _folder);
        Assert.False(parsed.FromCache);
        Assert.False(first.FromCache);
        Assert.True(second.FromCache);
        Assert.Single(Directory.GetFiles(_folder));
        AssertSame(parsed, second);
    }

    [SharedDataFact(IsfRawJson.Folder)]
    public void DamagedEntriesAreIgnoredAndRewritten()
    {
        string path = Directory.GetFiles(TestData.Shared(IsfRawJson.Folder), "*.json.xz").Order().First();
        var parsed = IsfSymbolTable.LoadCached(path, null);
        IsfSymbolTable.LoadCached(path, _folder);
        string entry = Directory.GetFiles(_folder).Single();
        byte[] good = File.ReadAllBytes(entry);
        byte[][] damages =
        [
            good[..(good.Length / 2)],                               // truncated
            [.. good, 0],                                            // trailing byte
            Flip(good, 8),                                           // version
            Flip(good, good.Length / 3),                             // somewhere in the middle
            [],
        ];
        foreach (var damaged in damages)
        {
            File.WriteAllBytes(entry, damaged);
            var t = IsfSymbolTable.LoadCached(path, _folder);
            AssertSame(parsed, t);
            Assert.Equal(good, File.ReadAllBytes(entry)); // rewritten
            Assert.True(IsfSymbolTable.LoadCached(path, _folder).FromCache);
        }
    }

    [SharedDataFact(IsfRawJson.Folder)]
    public void AFileReplacedInPlaceIsNotAnsweredFromTheOldTable()
    {
        var files = Directory.GetFiles(TestData.Shared(IsfRawJson.Folder), "*.json.xz").Order().Take(2).ToArray();
        string copy = Path.Combine(_folder + "-tables", "table.json.xz");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        try
        {
            File.Copy(files[0], copy);
            var a = IsfSymbolTable.LoadCached(copy, _folder);
            var time = File.GetLastWriteTimeUtc(copy);
            File.Copy(files[1], copy, overwrite: true);
            File.SetLastWriteTimeUtc(copy, time); // same name and time: only the contents differ
            var b = IsfSymbolTable.LoadCached(copy, _folder);
            Assert.NotEqual(a.Metadata.PdbGuid, b.Metadata.PdbGuid);
            Assert.Equal(IsfSymbolTable.LoadCached(files[1], null).Metadata.PdbGuid, b.Metadata.PdbGuid);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(copy)!, true);
        }
    }

    [SharedDataFact(IsfRawJson.Folder)]
    public void AnUnusableFolderMeansNoCache()
    {
        string path = Directory.GetFiles(TestData.Shared(IsfRawJson.Folder), "*.json.xz").Order().First();
        string notAFolder = _folder + ".file";
        File.WriteAllText(notAFolder, "x");
        try
        {
            var t = IsfSymbolTable.LoadCached(path, notAFolder);
            Assert.False(t.FromCache);
            Assert.NotEmpty(t.Symbols);
            Assert.Equal("x", File.ReadAllText(notAFolder));
        }
        finally
        {
            File.Delete(notAFolder);
        }
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] ^= 0xff;
        return copy;
    }

    private static void AssertSame(IsfSymbolTable expected, IsfSymbolTable actual)
    {
        Assert.Equal(expected.Metadata, actual.Metadata);
        Assert.Equal(expected.BaseTypes.Values, actual.BaseTypes.Values);
        Assert.Equal(expected.Symbols.Select(Describe), actual.Symbols.Select(Describe));
        Assert.Equal(expected.Enums.Keys, actual.Enums.Keys);
        foreach (var (name, e) in expected.Enums)
        {
            var other = actual.Enums[name];
            Assert.Equal((e.BaseTypeName, e.Size), (other.BaseTypeName, other.Size));
            Assert.Equal(e.Constants, other.Constants);
        }
        Assert.Equal(expected.UserTypes.Keys, actual.UserTypes.Keys);
        foreach (var (name, u) in expected.UserTypes)
        {
            var other = actual.UserTypes[name];
            Assert.Equal((u.Kind, u.Size), (other.Kind, other.Size));
            Assert.Equal(u.Fields.Select(Describe), other.Fields.Select(Describe));
        }
    }

    private static string Describe(IsfSymbol s) => $"{s.Name}@{s.Rva:x} {s.LinkageName} {Describe(s.Type)}";
    private static string Describe(IsfField f) => $"{f.Name}@{f.Offset} {f.Anonymous} {Describe(f.Type)}";

    private static string Describe(IsfTypeRef? t) => t == null ? "-" :
        $"({t.Kind} {t.Name} {t.Count} {t.BitPosition} {t.BitLength} {Describe(t.Subtype)} {Describe(t.Type)})";
}
