using Ntdbg.Core.IO;

namespace Ntdbg.Formats.KernelDump;

/// <summary>EXCEPTION_RECORD32/64 as stored in the dump header (pointers widened to 64 bits).</summary>
public sealed record KernelExceptionRecord(uint Code, uint Flags, ulong Record, ulong Address, uint NumberParameters, IReadOnlyList<ulong> Information)
{
    public const int Size64 = 0x98;
    public const int Size32 = 0x50;

    public static KernelExceptionRecord Parse(ReadOnlySpan<byte> s, bool is64)
    {
        if (is64)
        {
            uint n = Le.U32(s, 0x18);
            var info = new ulong[Math.Min(n, 15u)];
            for (int i = 0; i < info.Length; i++) info[i] = Le.U64(s, 0x20 + 8 * i);
            return new(Le.U32(s, 0), Le.U32(s, 4), Le.U64(s, 8), Le.U64(s, 0x10), n, info);
        }
        else
        {
            uint n = Le.U32(s, 0x10);
            var info = new ulong[Math.Min(n, 15u)];
            for (int i = 0; i < info.Length; i++) info[i] = Le.U32(s, 0x14 + 4 * i);
            return new(Le.U32(s, 0), Le.U32(s, 4), Le.U32(s, 8), Le.U32(s, 0xc), n, info);
        }
    }
}
