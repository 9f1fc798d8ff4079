using Iced.Intel;
using Ntdbg.Core.Memory;

namespace Ntdbg.Stacks.Disassembly;

/// <summary>
/// Whether the bytes just before an address end with a call instruction — what makes a value on
/// the stack a return address rather than any pointer into code. Null when those bytes are not
/// readable (neither in the dump nor in a stored image), so the caller can fall back to weaker
/// evidence.
/// </summary>
public static class CallSite
{
    // call rel32 is 5 bytes; call [mem]/reg forms are 2-7 bytes (with a REX or segment prefix, up to 8).
    private static readonly int[] Lengths = [5, 6, 2, 3, 7, 4, 8];

    public static bool? EndsWithCall(IVirtualMemory memory, ulong address, int bitness)
    {
        if (address < 8) return false;
        var bytes = new byte[8];
        if (memory.Read(address - 8, bytes, out _) < 8) return null;
        foreach (int length in Lengths)
        {
            var decoder = Decoder.Create(bitness, new ByteArrayCodeReader(bytes, 8 - length, length), address - (ulong)length);
            decoder.Decode(out var ins);
            if (!ins.IsInvalid && ins.Length == length && ins.FlowControl is FlowControl.Call or FlowControl.IndirectCall)
                return true;
        }
        return false;
    }

    /// <summary>The target of a direct `call rel32` ending at address; null when the call is indirect or the bytes are unreadable or no call.</summary>
    public static ulong? DirectCallTarget(IVirtualMemory memory, ulong address, int bitness)
    {
        if (address < 5) return null;
        var bytes = new byte[5];
        if (memory.Read(address - 5, bytes, out _) < 5 || bytes[0] != 0xE8) return null;
        long displacement = BitConverter.ToInt32(bytes, 1);
        ulong target = address + (ulong)displacement;
        return bitness == 32 ? target & 0xffffffff : target;
    }
}
