using System.Buffers.Binary;
using Ntdbg.Symbols.Model;
using Ntdbg.Symbols.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// A real PDB (test-pdb-types.pdb) with type records patched into cycles: a pointer to itself, a
/// modifier of itself, a pointer and a modifier referring to each other, a class containing
/// itself by value. The type system must answer with an incomplete placeholder or a finite type,
/// never recurse without end; every type of the file stays printable.
/// </summary>
public sealed class PdbHostileTypeTests : IDisposable
{
    private const string Pdb = "pdb/test-pdb-types.pdb";
    private readonly List<string> _temp = [];

    // Records as llvm-pdbutil dumps them from the unpatched file (0x1008 pointer to 0x1007,
    // 0x1005 const int, 0x1010 field list whose member `se` has type 0x100F, in class 0x1011).
    private static readonly byte[] Pointer1008 = Convert.FromHexString("0a00021007100000");
    private static readonly byte[] Modifier1005 = Convert.FromHexString("0a00011074000000");
    private static readonly byte[] MemberSe = Convert.FromHexString("0d1503000f10000000007365");

    [SharedDataFact(Pdb)]
    public void PointerToItselfIsAPlaceholder()
    {
        using var source = Open(Patch((Pointer1008, 4, 0x1008u)));
        var t = source.PdbTypes!.Resolve(0x1008);
        var udt = Assert.IsType<UdtType>(t);
        Assert.True(udt.IsIncomplete);
        Assert.Contains("cyclic", udt.Name, StringComparison.Ordinal);
        WalkEverything(source);
    }

    [SharedDataFact(Pdb)]
    public void ModifierOfItselfIsAPlaceholder()
    {
        using var source = Open(Patch((Modifier1005, 4, 0x1005u)));
        var t = Assert.IsType<UdtType>(source.PdbTypes!.Resolve(0x1005));
        Assert.True(t.IsIncomplete);
        WalkEverything(source);
    }

    [SharedDataFact(Pdb)]
    public void PointerAndModifierReferringToEachOtherStayFinite()
    {
        using var source = Open(Patch((Pointer1008, 4, 0x1005u), (Modifier1005, 4, 0x1008u)));
        var types = source.PdbTypes!;
        foreach (uint ti in new uint[] { 0x1005, 0x1008 })
        {
            var t = types.Resolve(ti);
            Assert.True(t is UdtType { IsIncomplete: true }, $"0x{ti:x} resolved to {t.Kind} `{t.Name}`");
        }
        WalkEverything(source);
    }

    [SharedDataFact(Pdb)]
    public void ClassContainingItselfIsFinite()
    {
        using var source = Open(Patch((MemberSe, 4, 0x1011u)));
        var types = source.PdbTypes!;
        var c = Assert.IsType<UdtType>(types.FindType("Class"));
        var se = Assert.Single(c.Fields);
        Assert.Same(c, se.Type);
        Assert.Equal("Class", se.Type.Name);
        WalkEverything(source);
    }

    [SharedDataFact(Pdb)]
    public void BrokenTypeStreamLeavesSymbolsUsable()
    {
        // TPI/IPI header: version 20040203, header size 56; the record byte count at +16 made huge.
        var header = Convert.FromHexString("0bca310138000000");
        using var source = Open(Patch((header, 16, 0x7fff_0000u)));
        Assert.Null(source.Types);
        Assert.NotNull(source.TypeError);
        Assert.Equal(SymbolSourceKind.PrivatePdb, source.Kind);
        var main = Assert.Single(source.FindByName("main"));
        Assert.Equal(SymbolEntryKind.Function, main.Kind);
        Assert.Null(source.TypeOf(main));
    }

    [SharedDataFact(Pdb)]
    public void UnpatchedFileHasNoPlaceholders()
    {
        using var source = Open(File.ReadAllBytes(TestData.Shared(Pdb)));
        var types = source.PdbTypes!;
        Assert.IsType<PointerType>(types.Resolve(0x1008));
        Assert.Equal("int", types.Resolve(0x1005).Name);
        Assert.Equal(0, WalkEverything(source));
    }

    /// <summary>Resolves every type index, prints every name and every field's type name; returns the cyclic or malformed placeholders met.</summary>
    private static int WalkEverything(PdbSymbolSource source)
    {
        var types = source.PdbTypes!;
        int placeholders = 0;
        for (uint ti = types.Stream.TypeIndexBegin; ti < types.Stream.TypeIndexEnd; ti++)
        {
            var t = types.Resolve(ti);
            _ = t.Name;
            if (t is UdtType u)
            {
                // Field lists, argument lists and the like are not data types; only broken ones count.
                if (u.Name.StartsWith("<type 0x", StringComparison.Ordinal) && !u.Name.Contains("not a data type", StringComparison.Ordinal)) placeholders++;
                foreach (var f in u.Fields) _ = f.Type.Name;
            }
            if (t is FunctionType fn) _ = fn.Parameters.Count;
        }
        // Symbols and their types still load.
        foreach (var s in source.Symbols) _ = source.TypeOf(s)?.Name;
        return placeholders;
    }

    private byte[] Patch(params (byte[] Pattern, int At, uint Value)[] patches)
    {
        var data = File.ReadAllBytes(TestData.Shared(Pdb));
        foreach (var (pattern, at, value) in patches)
        {
            int count = 0;
            // The MSF may hold stale copies of a stream in free blocks: patch every copy.
            for (int i = data.AsSpan().IndexOf(pattern); i >= 0;)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(i + at), value);
                count++;
                int next = data.AsSpan(i + 1).IndexOf(pattern);
                i = next < 0 ? -1 : i + 1 + next;
            }
            Assert.True(count > 0, $"pattern {Convert.ToHexString(pattern)} not found in {Pdb}");
        }
        return data;
    }

    private PdbSymbolSource Open(byte[] data)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ntdbg-hostile-{Guid.NewGuid():N}.pdb");
        File.WriteAllBytes(path, data);
        _temp.Add(path);
        return PdbSymbolSource.Open(path);
    }

    public void Dispose()
    {
        foreach (var p in _temp)
            try { File.Delete(p); } catch (IOException) { }
    }
}
