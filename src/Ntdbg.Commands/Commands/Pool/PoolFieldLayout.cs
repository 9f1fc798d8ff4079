using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Pool;

/// <summary>
/// Where one field of a pool structure sits, bitfields included (POOL_HEADER's sizes and
/// _POOL_TRACKER_BIG_PAGES's PoolType are bitfields whose unit and position differ by build),
/// taken from the kernel's symbols; decodes the field from the structure's bytes.
/// </summary>
internal sealed record PoolFieldLayout(ulong Offset, int Size, int BitPosition, int BitLength)
{
    /// <summary>The field's layout, or null when the type has no such field or it is not a number of 1–8 bytes.</summary>
    public static PoolFieldLayout? Of(UdtType type, string name)
    {
        if (type.GetField(name) is not { } f || f.Type.Size is not (1 or 2 or 4 or 8)) return null;
        return new PoolFieldLayout(f.Offset, (int)f.Type.Size, f.BitPosition, f.BitLength);
    }

    /// <summary>The value from a copy of the structure; null when the copy is too short to hold the field.</summary>
    public ulong? Decode(ReadOnlySpan<byte> structure)
    {
        if (Offset + (ulong)Size > (ulong)structure.Length) return null;
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        structure.Slice((int)Offset, Size).CopyTo(b);
        ulong unit = BitConverter.ToUInt64(b);
        if (BitLength == 0) return unit;
        unit >>= BitPosition;
        return BitLength >= 64 ? unit : unit & ((1UL << BitLength) - 1);
    }
}
