using System.Buffers.Binary;
using System.Diagnostics;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pdb;
using Ntdbg.Fuzz;
using Ntdbg.Synth.Pdb;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pdb;

/// <summary>
/// Real PDBs corrupted at chosen places (truncation, bad block numbers, directory loops, cyclic
/// and self-referencing types, huge counts): each fails with one clear line, fast, in little memory.
/// </summary>
public class PdbCorruptionTests
{
    private static byte[] Original => File.ReadAllBytes(TestData.Repo("fixtures/out/crash-x64.pdb"));

    /// <summary>Opens and reads everything; returns the one error, checking time, memory and message shape.</summary>
    private static DumpFormatException Fails(byte[] bytes, Action<PdbFile>? use = null)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        var e = Record.Exception(() =>
        {
            using var file = MappedFile.FromBytes("corrupt.pdb", bytes);
            var pdb = PdbFile.Open(file);
            if (use != null) use(pdb);
            else
            {
                _ = pdb.Dbi.Modules.Count;
                _ = pdb.Dbi.SectionHeaders.Count;
                _ = pdb.Publics.Count;
                _ = pdb.Globals.Count;
                foreach (var m in pdb.Modules) _ = m.Symbols.Count;
                foreach (var t in pdb.Types.All()) { }
                foreach (var t in pdb.Ids.All()) { }
            }
        });
        sw.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        var dfe = Assert.IsType<DumpFormatException>(e);
        Assert.DoesNotContain('\n', dfe.Message);
        Assert.StartsWith("corrupt.pdb: offset 0x", dfe.Message);
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), $"took {sw.Elapsed}");
        Assert.True(allocated < 64L << 20, $"allocated {allocated >> 20} MiB");
        return dfe;
    }

    [Fact]
    public void OriginalFixtureReadsCleanly()
    {
        using var file = MappedFile.FromBytes("ok.pdb", Original);
        var pdb = PdbFile.Open(file);
        PdbFuzzTarget.ReadEverything(pdb);
        Assert.NotEmpty(pdb.Publics);
        Assert.True(pdb.Types.Count > 100);
    }

    [Fact]
    public void TruncatedFile()
    {
        var bytes = Original;
        var e = Fails(bytes[..(bytes.Length / 2)]);
        Assert.Contains("past the end of the file", e.Message);
    }

    [Fact]
    public void TruncatedToTheSuperblock()
    {
        var e = Fails(Original[..40]);
        Assert.Contains("superblock", e.Message);
    }

    [Fact]
    public void BlockNumberPastTheEnd()
    {
        var p = new MsfPatcher(Original);
        p.SetStreamBlock(2, 0, p.U32At(40) + 5);
        var e = Fails(p.Bytes);
        Assert.Contains("stream 2 (TPI)", e.Message);
        Assert.Contains($"past the {p.U32At(40)} blocks", e.Message);
    }

    [Fact]
    public void BlockInsideTheCountButPastTheFile()
    {
        var p = new MsfPatcher(Original);
        p.SetU32At(40, 0x100000); // claims a million blocks
        p.SetStreamBlock(3, 0, 0xFFFF0);
        var e = Fails(p.Bytes);
        Assert.Contains("stream 3 (DBI)", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void DirectoryBlockMapPastTheEnd()
    {
        var p = new MsfPatcher(Original);
        p.SetDirectoryBlock(0, 0x7FFFFFF);
        var e = Fails(p.Bytes);
        Assert.Contains("MSF directory", e.Message);
    }

    [Fact]
    public void DirectoryLoop()
    {
        // The directory claims two blocks, and the block map lists the same block twice.
        var p = new MsfPatcher(Original);
        p.SetU32At(44, (uint)p.BlockSize + 16);
        p.SetDirectoryBlock(1, p.DirectoryBlock(0));
        var e = Fails(p.Bytes);
        Assert.Contains("MSF directory", e.Message);
        Assert.Contains("listed twice", e.Message);
    }

    [Fact]
    public void StreamBlockListedTwice()
    {
        var p = new MsfPatcher(Original);
        int s = Enumerable.Range(0, p.StreamCount).First(i => p.StreamSize(i) != 0xFFFFFFFF && p.StreamSize(i) > 2 * p.BlockSize);
        p.SetStreamBlock(s, 1, p.StreamBlock(s, 0));
        var e = Fails(p.Bytes, pdb => pdb.Msf.ReadStream(s, "victim"));
        Assert.Contains($"stream {s} (victim)", e.Message);
        Assert.Contains("listed twice", e.Message);
    }

    [Fact]
    public void HugeStreamSize()
    {
        var p = new MsfPatcher(Original);
        p.SetStreamSize(2, 0x7FFFFFF0);
        var e = Fails(p.Bytes);
        Assert.Contains("MSF directory", e.Message);
    }

    [Fact]
    public void HugeStreamCount()
    {
        var p = new MsfPatcher(Original);
        p.SetStreamCount(0x0FFFFFFF);
        var e = Fails(p.Bytes);
        Assert.Contains("stream count", e.Message);
    }

    [Fact]
    public void TruncatedTpiStream()
    {
        var p = new MsfPatcher(Original);
        // The header claims more record bytes than the stream holds (a stream cut short).
        p.SetStreamU32(2, 16, p.StreamSize(2) - p.StreamU32(2, 4) + 0x1000);
        var e = Fails(p.Bytes);
        Assert.Contains("stream 2 (TPI)", e.Message);
        Assert.Contains("do not fit", e.Message);
    }

    [Fact]
    public void TruncatedModuleSymbols()
    {
        var p = new MsfPatcher(Original);
        // Module records follow the 64-byte DBI header: symbol stream at +34, symbol bytes at +36,
        // then two NUL-terminated names, aligned to 4.
        long pos = 64;
        int module = 0;
        while (p.StreamU16(3, pos + 34) == 0xFFFF)
        {
            long q = pos + 64;
            for (int names = 0; names < 2; q++) if (p.Bytes[p.StreamFileOffset(3, q)] == 0) names++;
            pos = (q + 3) & ~3L;
            module++;
        }
        int symStream = p.StreamU16(3, pos + 34);
        p.SetStreamU32(3, pos + 36, p.StreamSize(symStream) + 0x100);
        var e = Fails(p.Bytes);
        Assert.Contains($"stream {symStream} (module {module} symbols)", e.Message);
    }

    [Fact]
    public void HugeTypeCount()
    {
        var p = new MsfPatcher(Original);
        p.SetStreamU32(2, 12, 0xFFFFFFF0);
        var e = Fails(p.Bytes);
        Assert.Contains("type record count", e.Message);
    }

    [Fact]
    public void HugeDbiSubstream()
    {
        var p = new MsfPatcher(Original);
        p.SetStreamU32(3, 24, 0x7FFFFFF0); // module info size
        var e = Fails(p.Bytes);
        Assert.Contains("DBI substreams", e.Message);
    }

    [Fact]
    public void HugePublicHash()
    {
        var p = new MsfPatcher(Original);
        int psi = p.StreamU16(3, 16); // DBI header: public stream index at 16
        p.SetStreamU32(psi, 0, 0x7FFFFFF0);
        var e = Fails(p.Bytes);
        Assert.Contains("PSI hash", e.Message);
    }

    [Fact]
    public void HugeArgumentCount()
    {
        var p = new MsfPatcher(Original);
        var arg = p.TypeRecords().First(r => r.Leaf == 0x1201 && r.Length >= 10);
        p.SetStreamU32(2, arg.Offset + 4, 0x0FFFFFFF);
        var e = Fails(p.Bytes);
        Assert.Contains("argument list count", e.Message);
    }

    [Fact]
    public void SelfContinuingFieldList()
    {
        var p = new MsfPatcher(Original);
        var victim = p.TypeRecords().First(r => r.Leaf == 0x1002 && r.Length == 10);
        p.WriteStream(2, victim.Offset, FieldListWithIndex(victim.Index));
        var e = Fails(p.Bytes, pdb => pdb.Types.FieldListMembers(victim.Index));
        Assert.Contains("loops back", e.Message);
    }

    [Fact]
    public void TwoFieldListsContinuingIntoEachOther()
    {
        var p = new MsfPatcher(Original);
        var victims = p.TypeRecords().Where(r => r.Leaf == 0x1002 && r.Length == 10).Take(2).ToList();
        p.WriteStream(2, victims[0].Offset, FieldListWithIndex(victims[1].Index));
        p.WriteStream(2, victims[1].Offset, FieldListWithIndex(victims[0].Index));
        var e = Fails(p.Bytes, pdb => pdb.Types.FieldListMembers(victims[0].Index));
        Assert.Contains("loops back", e.Message);
    }

    [Fact]
    public void SelfReferencingModifier()
    {
        var p = new MsfPatcher(Original);
        var victim = p.TypeRecords().First(r => r.Leaf == 0x1002 && r.Length == 10);
        var rec = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(rec, 10);
        BinaryPrimitives.WriteUInt16LittleEndian(rec.AsSpan(2), 0x1001);
        BinaryPrimitives.WriteUInt32LittleEndian(rec.AsSpan(4), victim.Index);
        BinaryPrimitives.WriteUInt16LittleEndian(rec.AsSpan(8), 1);
        rec[10] = 0xF2; rec[11] = 0xF1;
        p.WriteStream(2, victim.Offset, rec);
        Assert.Contains("cycle", Fails(p.Bytes, pdb => pdb.Types.SizeOf(victim.Index)).Message);
        Assert.Contains("cycle", Fails(p.Bytes, pdb => pdb.Types.NameOf(victim.Index)).Message);
    }

    [Fact]
    public void SelfReferencingPointerNameIsCaught()
    {
        var p = new MsfPatcher(Original);
        var victim = p.TypeRecords().First(r => r.Leaf == 0x1002 && r.Length == 10);
        p.SetStreamU32(2, victim.Offset + 4, victim.Index); // the pointer points at itself
        Assert.Contains("cycle", Fails(p.Bytes, pdb => pdb.Types.NameOf(victim.Index)).Message);
    }

    /// <summary>LF_FIELDLIST holding only LF_INDEX → <paramref name="next"/>: 12 bytes, the size of a 64-bit LF_POINTER.</summary>
    private static byte[] FieldListWithIndex(uint next)
    {
        var rec = new byte[12];
        BinaryPrimitives.WriteUInt16LittleEndian(rec, 10);
        BinaryPrimitives.WriteUInt16LittleEndian(rec.AsSpan(2), 0x1203);
        BinaryPrimitives.WriteUInt16LittleEndian(rec.AsSpan(4), 0x1404);
        BinaryPrimitives.WriteUInt32LittleEndian(rec.AsSpan(8), next);
        return rec;
    }

    [Fact]
    public void FuzzedMutantsFailCleanly()
    {
        var original = Original;
        var mutator = new Mutator(20261123);
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 300; i++)
        {
            var input = mutator.Mutate(original);
            var one = Stopwatch.StartNew();
            var e = Record.Exception(() => PdbFuzzTarget.Run(input));
            Assert.True(e == null, $"mutant {i}: {e}");
            Assert.True(one.Elapsed < TimeSpan.FromSeconds(2), $"mutant {i} took {one.Elapsed}");
        }
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), $"300 mutants took {sw.Elapsed}");
    }
}
