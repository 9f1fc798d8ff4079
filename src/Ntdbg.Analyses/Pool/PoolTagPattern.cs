namespace Ntdbg.Analyses.Pool;

/// <summary>
/// A pool tag as the 32-bit value the allocator receives: the first character is the low byte
/// ("Leak" → 0x6B61654C). Shorter tags are padded with spaces as drivers write them ("Fat ");
/// `?` matches any character, which becomes a zero byte in <see cref="Mask"/>.
/// </summary>
public readonly record struct PoolTagPattern(string Text, uint Value, uint Mask)
{
    public static PoolTagPattern Parse(string tag)
    {
        if (tag.Length is 0 or > 4) throw new ArgumentException($"pool tag '{tag}' must be 1 to 4 characters");
        uint value = 0, mask = 0;
        for (int i = 0; i < 4; i++)
        {
            char c = i < tag.Length ? tag[i] : ' ';
            if (c > 0x7f) throw new ArgumentException($"pool tag '{tag}' must be ASCII");
            if (c == '?') continue;
            value |= (uint)c << (8 * i);
            mask |= 0xffu << (8 * i);
        }
        return new PoolTagPattern(tag.PadRight(4), value, mask);
    }

    public bool Matches(uint candidate) => (candidate & Mask) == Value;

    /// <summary>The four characters a matching value spells (for wildcard hits).</summary>
    public static string Spell(uint value)
    {
        Span<char> chars = stackalloc char[4];
        for (int i = 0; i < 4; i++)
        {
            byte b = (byte)(value >> (8 * i));
            chars[i] = b is >= 0x20 and < 0x7f ? (char)b : '.';
        }
        return new string(chars);
    }
}
