namespace Ntdbg.Targets.Model;

public enum Machine
{
    Unknown = 0,
    X86 = 0x14c,
    X64 = 0x8664,
    Arm64 = 0xaa64,
}

public static class MachineExtensions
{
    public static int PointerSize(this Machine m) => m == Machine.X86 ? 4 : 8;

    /// <summary>The name WinDbg prints in `vertarget` and `!dh`.</summary>
    public static string DisplayName(this Machine m) => m switch
    {
        Machine.X86 => "x86",
        Machine.X64 => "x64",
        Machine.Arm64 => "ARM64",
        _ => "unknown",
    };
}
