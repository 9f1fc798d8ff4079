namespace Ntdbg.Symbols.Cab;

/// <summary>
/// The CFDATA checksum of MS-CAB: 32-bit little-endian words XORed together, the 1-3 trailing
/// bytes folded in high byte first; a block's checksum covers its data, then cbData+cbUncomp.
/// </summary>
public static class CabChecksum
{
    public static uint Compute(ReadOnlySpan<byte> data, uint seed)
    {
        uint sum = seed;
        int words = data.Length / 4;
        for (int i = 0; i < words; i++) sum ^= System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[(i * 4)..]);
        uint tail = 0;
        var rest = data[(words * 4)..];
        foreach (var b in rest) tail = (tail << 8) | b;
        return sum ^ tail;
    }

    /// <summary>The checksum stored in a CFDATA header for a block whose header+data are <paramref name="sizes"/> and <paramref name="data"/>.</summary>
    public static uint ForBlock(ReadOnlySpan<byte> sizes, ReadOnlySpan<byte> data) => Compute(sizes, Compute(data, 0));
}
