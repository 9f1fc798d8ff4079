using Ntdbg.Commands.Commands.Pool.SegmentHeap;

namespace Ntdbg.Tests.Commands;

/// <summary>
/// The segment heap's encodings against the kernel's own expressions, as published decompilations of
/// ntoskrnl 19041+ show them (RtlpHpFreeHeap, RtlpHpLfhSubsegmentFreeBlock, ExGetHeapFromVA), written
/// out here independently of <see cref="SegmentHeapEncoding"/>.
/// </summary>
public sealed class SegmentHeapEncodingTests
{
    private const ulong HeapKey = 0x9c3f_51e2_07ad_b4c5, LfhKey = 0x0000_0001_6a2b_93f1;

    [Fact]
    public void VsHeaderIsXoredWithTheHeapKeyAndItsOwnAddress()
    {
        // RtlpHpFreeHeap: size = 16 * (WORD1(RtlpHpHeapGlobals) ^ ((DWORD)hdr ^ (DWORD)*(QWORD*)hdr) >> 16); allocated when ((*hdr ^ key ^ hdr) >> 32) & 0xFF0000.
        ulong header = 0xffffc08e20002ab0, stored = 0x7d81_c08e_2cb2_18c5;
        ulong decoded = SegmentHeapEncoding.DecodeVsHeaderBits(stored, header, HeapKey);
        Assert.Equal((ulong)(ushort)((HeapKey >> 16) ^ (((uint)header ^ (uint)stored) >> 16)), (decoded >> 16) & 0xffff);
        Assert.Equal(((stored ^ HeapKey ^ header) >> 32 & 0xff0000) != 0, ((decoded >> 48) & 0xff) != 0);
        // The page offset: (unsigned __int8)(RtlpHpHeapGlobals ^ *(BYTE*)(hdr + 8) ^ hdr).
        Assert.Equal((byte)(0xc5 ^ 0x17 ^ 0xb0), SegmentHeapEncoding.DecodeVsPageOffset(0x17, header, HeapKey));
    }

    [Fact]
    public void LfhOffsetsUseTheLow32BitsOfTheSubsegmentAddressShiftedBy12()
    {
        // RtlpHpLfhSubsegmentFreeBlock: DWORD2(RtlpHpHeapGlobals) ^ *(DWORD*)(subseg + 40) ^ ((unsigned int)subseg >> 12):
        // the address is cut to 32 bits before the shift, so bits 32+ of the address never reach the key.
        ulong subsegment = 0xffffc08e20006000;
        uint stored = 0x1234_5678;
        uint expected = stored ^ 0x6a2b_93f1 ^ (0x20006000u >> 12);
        Assert.Equal(expected, SegmentHeapEncoding.DecodeLfhBlockOffsets(stored, subsegment, LfhKey));
        Assert.NotEqual(stored ^ 0x6a2b_93f1 ^ (uint)(subsegment >> 12), expected);
    }

    [Fact]
    public void SegmentSignatureNamesItsContext()
    {
        // ExGetHeapFromVA: heap = (seg ^ RtlpHpHeapGlobals ^ *(seg + 0x10) ^ 0xA2E64EADA2E64EAD) - 192 * index - 320.
        ulong segment = 0xffffc08e20000000, context = 0xffffc08e10000140;
        ulong stored = SegmentHeapEncoding.SegmentSignature(segment, context, HeapKey);
        Assert.Equal(context, segment ^ HeapKey ^ stored ^ 0xA2E64EADA2E64EAD);
        Assert.Equal(context, SegmentHeapEncoding.SegmentContextOf(segment, stored, HeapKey));
        // RtlpHpFreeHeap's VS subsegment check: (((Size ^ Signature) ^ 0x2BED) & 0x7FFF) == 0.
        Assert.True(SegmentHeapEncoding.VsSubsegmentSignatureValid(0x3fd, (ushort)(0x3fd ^ 0x2bed)));
        Assert.True(SegmentHeapEncoding.VsSubsegmentSignatureValid(0x3fd, (ushort)((0x3fd ^ 0x2bed) | 0x8000)));
        Assert.False(SegmentHeapEncoding.VsSubsegmentSignatureValid(0x3fd, 0x3fd));
    }
}
