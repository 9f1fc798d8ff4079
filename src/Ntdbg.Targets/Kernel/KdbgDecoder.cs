using System.Buffers.Binary;
using System.Numerics;

namespace Ntdbg.Targets.Kernel;

/// <summary>
/// Undoes the encoding Windows 8 and later apply to nt!KdDebuggerDataBlock while no debugger is
/// attached (nt!KdpDataBlockEncoded nonzero). Per qword, as KdCopyDataBlock does it:
/// <c>plain = KiWaitAlways ^ bswap64(&amp;KdpDataBlockEncoded ^ rol64(encoded ^ KiWaitNever, KiWaitNever &amp; 0xff))</c>.
/// The XOR key is the address of the flag variable, not its value.
/// </summary>
public static class KdbgDecoder
{
    public static ulong DecodeQword(ulong encoded, ulong waitNever, ulong waitAlways, ulong encodedFlagAddress) =>
        waitAlways ^ BinaryPrimitives.ReverseEndianness(encodedFlagAddress ^ BitOperations.RotateLeft(encoded ^ waitNever, (int)(waitNever & 0xff)));

    /// <summary>Decodes every whole qword of <paramref name="block"/> in place.</summary>
    public static void Decode(Span<byte> block, ulong waitNever, ulong waitAlways, ulong encodedFlagAddress)
    {
        for (int i = 0; i + 8 <= block.Length; i += 8)
            BinaryPrimitives.WriteUInt64LittleEndian(block[i..], DecodeQword(BinaryPrimitives.ReadUInt64LittleEndian(block[i..]), waitNever, waitAlways, encodedFlagAddress));
    }
}
