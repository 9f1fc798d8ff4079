using System.Buffers.Binary;
using System.Numerics;

namespace Ntdbg.Synth.Kernel;

/// <summary>
/// The obfuscation Windows 8 and later apply to nt!KdDebuggerDataBlock when the machine boots
/// without a debugger (nt!KdpDataBlockEncoded is then nonzero), written from the public
/// descriptions of KdEncodeDataBlock/KdCopyDataBlock: every qword p of the block becomes
/// <c>ror64(bswap64(p ^ KiWaitAlways) ^ &amp;KdpDataBlockEncoded, (byte)KiWaitNever) ^ KiWaitNever</c>.
/// The synthesizer's own copy, kept apart from the engine's decoder so each checks the other.
/// </summary>
public static class KdbgEncoding
{
    public static ulong EncodeQword(ulong plain, ulong waitNever, ulong waitAlways, ulong encodedFlagAddress) =>
        BitOperations.RotateRight(BinaryPrimitives.ReverseEndianness(plain ^ waitAlways) ^ encodedFlagAddress, (int)(waitNever & 0xff)) ^ waitNever;

    /// <summary>Encodes every whole qword of <paramref name="block"/> in place.</summary>
    public static void Encode(Span<byte> block, ulong waitNever, ulong waitAlways, ulong encodedFlagAddress)
    {
        for (int i = 0; i + 8 <= block.Length; i += 8)
            BinaryPrimitives.WriteUInt64LittleEndian(block[i..], EncodeQword(BinaryPrimitives.ReadUInt64LittleEndian(block[i..]), waitNever, waitAlways, encodedFlagAddress));
    }
}
