using Ntdbg.Core.IO;

namespace Ntdbg.Targets.Kernel;

/// <summary>
/// _KDDEBUGGER_DATA64 (the same 64-bit layout on x86 and x64): 'KDBG' tag at +0x10, Size at +0x14.
/// Fields beyond <see cref="Size"/> are absent (null): older kernels write a shorter block. On x86
/// the kernel stores pointers sign-extended to 64 bits; they are read back as 32-bit addresses.
/// </summary>
public sealed class KdDebuggerData
{
    public const uint KdbgTag = 0x4742444B; // 'KDBG'
    private readonly byte[] _bytes;
    private readonly ulong _pointerMask;

    private KdDebuggerData(byte[] bytes, int pointerSize)
    {
        _bytes = bytes;
        _pointerMask = pointerSize == 4 ? 0xffff_ffffUL : ulong.MaxValue;
    }

    public ReadOnlyMemory<byte> Bytes => _bytes;
    public uint Size => Le.U32(_bytes, 0x14);

    /// <summary>Null unless the bytes carry the 'KDBG' tag (an encoded block does not).</summary>
    public static KdDebuggerData? TryParse(ReadOnlySpan<byte> bytes, int pointerSize = 8)
    {
        if (bytes.Length < 0x58 || Le.U32(bytes, 0x10) != KdbgTag) return null;
        uint size = Le.U32(bytes, 0x14);
        int keep = (int)Math.Min((uint)bytes.Length, Math.Max(size, 0x58u));
        return new KdDebuggerData(bytes[..keep].ToArray(), pointerSize);
    }

    private ulong? Q(int offset) => offset + 8 <= _bytes.Length && offset + 8 <= Size ? Le.U64(_bytes, offset) & _pointerMask : null;
    private ushort? W(int offset) => offset + 2 <= _bytes.Length && offset + 2 <= Size ? Le.U16(_bytes, offset) : null;

    public ulong KernBase => Le.U64(_bytes, 0x18) & _pointerMask;
    public ulong? BreakpointWithStatus => Q(0x20);
    public ulong? SavedContext => Q(0x28);
    public ulong PsLoadedModuleList => Le.U64(_bytes, 0x48) & _pointerMask;
    public ulong PsActiveProcessHead => Le.U64(_bytes, 0x50) & _pointerMask;
    public ulong? PspCidTable => Q(0x58);
    public ulong? ExpSystemResourcesList => Q(0x60);
    public ulong? KeTimeIncrement => Q(0x78);
    public ulong? MmPfnDatabase => Q(0xc0);
    public ulong? PoolTrackTable => Q(0x1b8);
    public ulong? MmSystemRangeStart => Q(0x1d0);
    public ulong? NtBuildLab => Q(0x208);
    public ulong? KiProcessorBlock => Q(0x218);
    public ulong? MmUnloadedDrivers => Q(0x220);
    public ulong? MmLastUnloadedDriver => Q(0x228);
    public ulong? CmNtCSDVersion => Q(0x268);
    public ushort? OffsetKThreadApcProcess => W(0x2a0);
    public ushort? SizeEProcess => W(0x2a8);
    public ushort? SizePrcb => W(0x2b0);
    public ushort? OffsetPrcbCurrentThread => W(0x2b4);
    public ushort? OffsetPrcbProcStateContext => W(0x2bc);
    public ushort? OffsetPrcbNumber => W(0x2be);
    public ushort? SizeEThread => W(0x2c0);
    public ushort? OffsetPrcbProcStateSpecialReg => W(0x2f2);
    /// <summary>_KPRCB.Context: pointer to the CONTEXT saved when the processor bugchecked (Win8+).</summary>
    public ushort? OffsetPrcbContext => W(0x338);
}
