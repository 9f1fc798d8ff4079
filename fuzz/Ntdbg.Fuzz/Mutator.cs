using System.Buffers.Binary;

namespace Ntdbg.Fuzz;

/// <summary>
/// Structure-blind mutations that hit what parsers trust: counts, sizes and offsets (written as
/// boundary values at aligned positions), truncation, bit flips and spliced blocks.
/// </summary>
public sealed class Mutator(int seed)
{
    private static readonly ulong[] Interesting =
    [
        0, 1, 0x7f, 0x80, 0xff, 0x100, 0xfff, 0x1000, 0x7fff, 0x8000, 0xffff, 0x10000,
        0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000, 0x7fffffffffffffff, 0x8000000000000000, ulong.MaxValue,
    ];

    private readonly Random _rng = new(seed);

    public byte[] Mutate(byte[] input)
    {
        var data = (byte[])input.Clone();
        int rounds = 1 + _rng.Next(4);
        for (int i = 0; i < rounds; i++) data = MutateOnce(data);
        return data;
    }

    private byte[] MutateOnce(byte[] data)
    {
        if (data.Length == 0) return [(byte)_rng.Next(256)];
        switch (_rng.Next(6))
        {
            case 0: // truncate
                return data[.._rng.Next(data.Length)];
            case 1: // flip bits
                for (int i = 0; i < 1 + _rng.Next(8); i++) data[_rng.Next(data.Length)] ^= (byte)(1 << _rng.Next(8));
                return data;
            case 2: // boundary value in a 32-bit field, usually in the headers where counts and offsets live
                {
                    int off = PickOffset(data.Length, 4);
                    if (off + 4 <= data.Length) BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(off), (uint)Interesting[_rng.Next(Interesting.Length)]);
                    return data;
                }
            case 3: // boundary value in a 64-bit field
                {
                    int off = PickOffset(data.Length, 8);
                    if (off + 8 <= data.Length) BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(off), Interesting[_rng.Next(Interesting.Length)]);
                    return data;
                }
            case 4: // copy a block over another (duplicates records, makes loops)
                {
                    int len = 1 + _rng.Next(Math.Min(64, data.Length));
                    int from = _rng.Next(data.Length - len + 1), to = _rng.Next(data.Length - len + 1);
                    Buffer.BlockCopy(data, from, data, to, len);
                    return data;
                }
            default: // random bytes
                for (int i = 0; i < 1 + _rng.Next(16); i++) data[_rng.Next(data.Length)] = (byte)_rng.Next(256);
                return data;
        }
    }

    /// <summary>Aligned offsets, weighted toward the first 16 KiB where headers and directories are.</summary>
    private int PickOffset(int length, int align)
    {
        int limit = _rng.Next(3) == 0 ? length : Math.Min(length, 0x4000);
        return _rng.Next(Math.Max(1, limit)) & ~(align - 1);
    }
}
