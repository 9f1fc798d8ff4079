namespace Ntdbg.Commands.Language;

public static class Integers
{
    /// <summary>The low <paramref name="size"/> bytes of <paramref name="raw"/> as a signed number.</summary>
    public static long SignExtend(ulong raw, int size) => size switch
    {
        1 => (sbyte)raw,
        2 => (short)raw,
        4 => (int)raw,
        _ => (long)raw,
    };
}
