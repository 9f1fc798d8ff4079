using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;
using Ntdbg.Synth.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// Type records the real corpus lacks, appended to a real TPI stream: a field list continued by
/// LF_INDEX, a bitfield member, a forward reference without unique name resolved by name, a
/// forward reference with no definition, and a struct whose size needs a numeric leaf.
/// </summary>
public class PdbSyntheticTypeTests
{
    private static (byte[] Pdb, uint Second, uint First, uint Bits, uint Forward, uint Full, uint Orphan, uint Big) Build()
    {
        var original = File.ReadAllBytes(TestData.Repo("fixtures/out/crash-x64.pdb"));
        var patcher = new MsfPatcher(original);
        var tpi = new byte[patcher.StreamSize(2)];
        for (int i = 0; i < tpi.Length; i++) tpi[i] = original[patcher.StreamFileOffset(2, i)];
        var t = new TpiAppender(tpi);
        uint bits = t.Add(0x1205, TpiAppender.Bitfield(0x75, 3, 5));
        uint second = t.Add(0x1203, [.. TpiAppender.Member(3, 0x74, 8, "second"), .. TpiAppender.Member(3, bits, 12, "flags")]);
        uint first = t.Add(0x1203, [.. TpiAppender.Member(3, 0x74, 0, "first"), .. TpiAppender.Index(second)]);
        uint forward = t.Add(0x1505, TpiAppender.Structure(0, 0x80, 0, 0, "ntdbg_chain"));
        uint full = t.Add(0x1505, TpiAppender.Structure(3, 0, first, 16, "ntdbg_chain"));
        uint orphan = t.Add(0x1505, TpiAppender.Structure(0, 0x80, 0, 0, "ntdbg_never_defined"));
        // Size 0x12345678 needs LF_ULONG (0x8004) after the fixed fields.
        uint big = t.Add(0x1505, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x80, 0x78, 0x56, 0x34, 0x12, .. "ntdbg_big"u8, 0]);
        var newTpi = t.Build();
        int hashIndex = t.HashStream;
        var hash = new byte[patcher.StreamSize(hashIndex)];
        for (int i = 0; i < hash.Length; i++) hash[i] = original[patcher.StreamFileOffset(hashIndex, i)];
        var newHash = t.BuildHash(hash, newTpi);
        var pdb = MsfRebuilder.Rebuild(original, patcher.BlockSize, new Dictionary<int, byte[]> { [2] = newTpi, [hashIndex] = newHash });
        return (pdb, second, first, bits, forward, full, orphan, big);
    }

    [Fact]
    public void FieldListContinuedByIndex()
    {
        var b = Build();
        using var f = MappedFile.FromBytes("synthetic.pdb", b.Pdb);
        var types = PdbFile.Open(f).Types;
        var members = types.FieldListMembers(b.First);
        Assert.Equal(["first", "second", "flags"], members.Select(m => m.Name));
        Assert.Equal([0L, 8L, 12L], members.Select(m => m.Offset));
        var flags = Assert.IsType<BitfieldType>(types[members[2].Type]);
        Assert.Equal((3, 5, 0x75u), (flags.Length, flags.Position, flags.Type));
        Assert.Equal(b.Second, Assert.IsType<FieldListType>(types[b.First]).Continuation);
    }

    [Fact]
    public void ForwardReferenceWithoutUniqueNameResolvesByName()
    {
        var b = Build();
        using var f = MappedFile.FromBytes("synthetic.pdb", b.Pdb);
        var types = PdbFile.Open(f).Types;
        Assert.Equal(b.Full, types.ResolveForward(b.Forward));
        Assert.Equal(16UL, types.SizeOf(b.Forward));
        Assert.Equal(b.Full, types.FindUdtByName("ntdbg_chain")!.Index);
        Assert.Equal(b.Orphan, types.ResolveForward(b.Orphan));
        Assert.Null(types.FindUdtByName("ntdbg_never_defined"));
        Assert.Equal(0x12345678UL, Assert.IsType<UdtType>(types[b.Big]).Size);
    }

    [ToolFact("llvm-pdbutil", needsSharedData: false)]
    public void LlvmAgreesWithTheAppendedRecords()
    {
        var b = Build();
        var path = Path.Combine(Path.GetTempPath(), $"ntdbg-synthetic-{Environment.ProcessId}.pdb");
        File.WriteAllBytes(path, b.Pdb);
        try
        {
            var records = LlvmTypeDump.Read(path).ToDictionary(r => r.Index);
            Assert.Contains(records[b.First].Lines, l => l.StartsWith("- LF_MEMBER [name = `first`", StringComparison.Ordinal));
            Assert.Contains(records[b.First].Lines, l => l.Contains("LF_INDEX", StringComparison.Ordinal) && l.Contains($"0x{b.Second:X4}", StringComparison.Ordinal));
            Assert.Contains(records[b.Bits].Lines, l => l.Contains("bit offset = 5, # bits = 3", StringComparison.Ordinal));
            Assert.Contains(records[b.Full].Lines, l => l.EndsWith("sizeof 16", StringComparison.Ordinal));
            Assert.Contains(records[b.Big].Lines, l => l.EndsWith($"sizeof {0x12345678}", StringComparison.Ordinal));
        }
        finally { File.Delete(path); }
    }
}
