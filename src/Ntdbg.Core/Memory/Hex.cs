namespace Ntdbg.Core.Memory;

/// <summary>WinDbg's way of writing numbers.</summary>
public static class Hex
{
    /// <summary>64-bit addresses with the backtick separator, as WinDbg prints them.</summary>
    public static string Address(ulong value) => $"{value >> 32:x8}`{value & 0xffffffff:x8}";

    /// <summary>An address in the target's pointer width: 8 digits for 32-bit targets.</summary>
    public static string Pointer(ulong value, int pointerSize) =>
        pointerSize == 4 ? $"{value & 0xffffffff:x8}" : Address(value);
}
