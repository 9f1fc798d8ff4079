using System.Buffers.Binary;
using Ntdbg.Analyses.Pool;
using Ntdbg.Synth;
using Xunit;

namespace Ntdbg.Tests.Pool;

/// <summary>
/// `pool findtag` on PEs built here (x64 and x86): the immediate passed before a call through the
/// IAT slot of ExAllocatePoolWithTag is tied to that import, one with no call after it is not,
/// the tag's bytes in .rdata are a data hit, and `?` wildcards match.
/// </summary>
public sealed class FindTagSyntheticTests
{
    private const ulong ImageBase = 0x1_4000_0000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TiesTheImmediateToThePoolImport(bool is64)
    {
        string dir = Directory.CreateTempSubdirectory("ntdbg-findtag").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "leaky.sys"), BuildDriver(is64));
            var result = PoolTagFinder.FindInDirectory(dir, PoolTagPattern.Parse("Lea?"));
            Assert.Empty(result.Errors);
            Assert.Equal(2, result.CodeHits.Count);
            var allocation = result.CodeHits[0];
            Assert.Equal("Leak", allocation.Tag);
            Assert.True(allocation.IsPoolCall);
            Assert.Equal("ExAllocatePoolWithTag", allocation.CallTarget);
            Assert.Contains("6B61654Ch", allocation.Instruction);
            var unrelated = result.CodeHits[1];
            Assert.Null(unrelated.CallTarget);
            Assert.False(unrelated.IsPoolCall);
            var data = Assert.Single(result.StringHits);
            Assert.Equal(".rdata", data.Section);
            Assert.Equal("Leak", data.Tag);
            Assert.Empty(PoolTagFinder.FindInDirectory(dir, PoolTagPattern.Parse("Lost")).CodeHits);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static byte[] BuildDriver(bool is64)
    {
        var b = new PeBuilder(is64) { ImageBase = is64 ? ImageBase : 0x1000_0000 };
        ulong imageBase = b.ImageBase;
        PeTables.Table? imports = null;
        b.AddSection(".idata", 0xC0000040, rva =>
        {
            imports = PeTables.Imports(rva, is64, [("ntoskrnl.exe", [new PeTables.Import("ExAllocatePoolWithTag", 1)])]);
            return imports.Data;
        });
        b.Directory(1, imports!.DirectoryRva, imports.DirectorySize);
        uint slot = imports.IatRva;
        b.AddSection(".rdata", 0x40000040, "xxLeakxx"u8.ToArray());
        b.AddSection(".text", 0x60000020, rva =>
        {
            var code = new List<byte>();
            if (is64) code.AddRange([0x41, 0xB8, 0x4C, 0x65, 0x61, 0x6B]); // mov r8d,6B61654Ch
            else code.AddRange([0x68, 0x4C, 0x65, 0x61, 0x6B]);             // push 6B61654Ch
            code.AddRange([0x33, 0xC9]);                                     // xor ecx,ecx
            var call = new byte[6];
            call[0] = 0xFF;
            call[1] = 0x15;
            uint operand = is64
                ? slot - (rva + (uint)code.Count + 6)                        // call [rip+slot]
                : (uint)imageBase + slot;                                    // call [slot]
            BinaryPrimitives.WriteUInt32LittleEndian(call.AsSpan(2), operand);
            code.AddRange(call);
            code.Add(0xC3);                                                  // ret
            code.AddRange([0xB8, 0x4C, 0x65, 0x61, 0x6B, 0xC3]);             // mov eax,6B61654Ch; ret
            return code.ToArray();
        });
        return b.Build();
    }
}
