namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The decoded body of a record that describes a procedure's frame or one of its variables
/// (S_FRAMEPROC, S_BLOCK32, S_REGREL32, S_BPREL32, S_REGISTER, S_LOCAL and the S_DEFRANGE_* that
/// follow an S_LOCAL). Register numbers are CodeView's (<see cref="CodeViewRegisters"/>).
/// </summary>
public abstract record FrameRecord;

/// <summary>
/// S_FRAMEPROC: the frame's sizes and flags. The flags encode which register locals and
/// parameters are addressed from (<see cref="LocalBase"/>, <see cref="ParamBase"/>).
/// </summary>
public sealed record FrameProcRecord(uint TotalFrameBytes, uint PaddingFrameBytes, uint OffsetToPadding,
    uint CalleeSavedBytes, uint ExceptionHandlerOffset, ushort ExceptionHandlerSection, uint Flags) : FrameRecord
{
    /// <summary>Bits 14-15: the base register of locals (S_DEFRANGE_FRAMEPOINTER_REL on a local).</summary>
    public FrameBase LocalBase => (FrameBase)((Flags >> 14) & 3);

    /// <summary>Bits 16-17: the base register of parameters.</summary>
    public FrameBase ParamBase => (FrameBase)((Flags >> 16) & 3);
}

/// <summary>
/// S_FRAMEPROC's encoded base registers. StackPointer is rsp after the prolog on x64 and the
/// virtual frame (VFRAME, $T0: where the return address is stored) on x86; FramePointer is
/// rbp/ebp; BasePointer r13/ebx.
/// </summary>
public enum FrameBase : byte
{
    None = 0,
    StackPointer = 1,
    FramePointer = 2,
    BasePointer = 3,
}

/// <summary>S_BLOCK32: a nested lexical scope [Section:Offset, +Length) and the offset of its S_END.</summary>
public sealed record BlockRecord(uint Parent, uint End, uint Length, uint Offset, ushort Section) : FrameRecord;

/// <summary>S_REGREL32 (register + offset, MSVC x64), S_BPREL32 (Register 0: the frame's EBP) and S_REGISTER (Offset 0, in the register).</summary>
public sealed record RegisterVariableRecord(uint Type, ushort Register, int Offset, bool InRegister) : FrameRecord;

/// <summary>S_LOCAL: a variable whose locations the S_DEFRANGE_* records after it give. Flags bit 0: a parameter.</summary>
public sealed record LocalRecord(uint Type, ushort Flags) : FrameRecord
{
    public bool IsParameter => (Flags & 1) != 0;
    public bool IsOptimizedOut => (Flags & 0x100) != 0;
}

/// <summary>A gap in a range: [Start, +Length) relative to the range's start, where the location does not hold.</summary>
public readonly record struct DefRangeGap(ushort Start, ushort Length);

/// <summary>
/// One S_DEFRANGE_*: where the preceding S_LOCAL lives over [Section:Offset, +Length) minus the
/// gaps. FramePointerRel: base (S_FRAMEPROC's) + Offset; FullScope: the same over the whole
/// scope (Length 0, no range); Register: in Register; RegisterRel: at Register + Offset;
/// SubfieldRegister: the bytes at OffsetInParent of the variable are in Register.
/// </summary>
public sealed record DefRangeRecord(ushort Kind, ushort Register, int Offset, uint OffsetInParent, ushort Flags,
    uint RangeOffset, ushort RangeSection, ushort RangeLength, IReadOnlyList<DefRangeGap> Gaps) : FrameRecord
{
    public bool IsFullScope => Kind == SymbolKind.S_DEFRANGE_FRAMEPOINTER_REL_FULL_SCOPE;
}
