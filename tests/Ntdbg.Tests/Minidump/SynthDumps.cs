using Ntdbg.Core.IO;
using Ntdbg.Synth;
using Ntdbg.Targets.User;

namespace Ntdbg.Tests.Minidump;

/// <summary>Opens synthetic dumps from memory.</summary>
internal static class SynthDumps
{
    public static UserDumpTarget Open(byte[] bytes, string name = "synthetic.dmp") => UserDumpTarget.Open(MappedFile.FromBytes(name, bytes));

    public static UserDumpTarget Open(BuiltMinidump built) => Open(built.Bytes);

    /// <summary>A pattern where every byte depends on its address, so misplaced reads show.</summary>
    public static byte[] Pattern(ulong address, int length, byte salt = 0)
    {
        var b = new byte[length];
        for (int i = 0; i < length; i++)
        {
            ulong a = address + (ulong)i;
            b[i] = (byte)(a ^ (a >> 8) ^ (a >> 16) ^ salt);
        }
        return b;
    }

    public static byte[] X64Context(ulong rip = 0x7ff6_1234_5678, ulong rsp = 0x0000_00aa_bbcc_0000) =>
        ContextBuilder.X64(new Dictionary<string, ulong> { ["rip"] = rip, ["rsp"] = rsp });

    /// <summary>A small valid x64 dump with system info and one thread.</summary>
    public static MinidumpBuilder X64Base() => new MinidumpBuilder()
        .WithSystemInfo(MinidumpBuilder.ArchAmd64)
        .AddThread(0x100, 0x7ff0_0000_0000, 0x1000_0000, Pattern(0x1000_0000, 0x100), X64Context());
}
