using Ntdbg.Core.IO;

namespace Ntdbg.Formats.KernelDump;

/// <summary>
/// TRIAGE_DUMP32/64: the table of contents of a small-memory dump, at 0x1000 (32-bit) or 0x2000
/// (64-bit). Every offset is an absolute file offset. Pointers are widened to 64 bits.
/// </summary>
public sealed record TriageDumpHeader
{
    public const int Size64 = 0x80;
    public const int Size32 = 0x68;
    /// <summary>'TRGD': the value stored at <see cref="ValidOffset"/> when the dump was completely written.</summary>
    public const uint ValidSignature = 0x44475254;

    public uint ServicePackBuild { get; init; }
    public uint SizeOfDump { get; init; }
    public uint ValidOffset { get; init; }
    public uint ContextOffset { get; init; }
    public uint ExceptionOffset { get; init; }
    public uint MmOffset { get; init; }
    public uint UnloadedDriversOffset { get; init; }
    public uint PrcbOffset { get; init; }
    public uint ProcessOffset { get; init; }
    public uint ThreadOffset { get; init; }
    public uint CallStackOffset { get; init; }
    public uint SizeOfCallStack { get; init; }
    public uint DriverListOffset { get; init; }
    public uint DriverCount { get; init; }
    public uint StringPoolOffset { get; init; }
    public uint StringPoolSize { get; init; }
    public uint BrokenDriverOffset { get; init; }
    public uint TriageOptions { get; init; }
    /// <summary>Virtual address of the first byte of the saved call stack.</summary>
    public ulong TopOfStack { get; init; }
    /// <summary>IA-64 backing store (always zero on x86/x64, kept because rizin prints it).</summary>
    public uint BStoreOffset { get; init; }
    public uint SizeOfBStore { get; init; }
    public ulong LimitOfBStore { get; init; }
    public ulong DataPageAddress { get; init; }
    public uint DataPageOffset { get; init; }
    public uint DataPageSize { get; init; }
    public uint DebuggerDataOffset { get; init; }
    public uint DebuggerDataSize { get; init; }
    public uint DataBlocksOffset { get; init; }
    public uint DataBlocksCount { get; init; }

    public static TriageDumpHeader Parse(ReadOnlySpan<byte> s, bool is64)
    {
        var h = new TriageDumpHeader
        {
            ServicePackBuild = Le.U32(s, 0x00),
            SizeOfDump = Le.U32(s, 0x04),
            ValidOffset = Le.U32(s, 0x08),
            ContextOffset = Le.U32(s, 0x0c),
            ExceptionOffset = Le.U32(s, 0x10),
            MmOffset = Le.U32(s, 0x14),
            UnloadedDriversOffset = Le.U32(s, 0x18),
            PrcbOffset = Le.U32(s, 0x1c),
            ProcessOffset = Le.U32(s, 0x20),
            ThreadOffset = Le.U32(s, 0x24),
            CallStackOffset = Le.U32(s, 0x28),
            SizeOfCallStack = Le.U32(s, 0x2c),
            DriverListOffset = Le.U32(s, 0x30),
            DriverCount = Le.U32(s, 0x34),
            StringPoolOffset = Le.U32(s, 0x38),
            StringPoolSize = Le.U32(s, 0x3c),
            BrokenDriverOffset = Le.U32(s, 0x40),
            TriageOptions = Le.U32(s, 0x44),
        };
        if (is64)
        {
            return h with
            {
                TopOfStack = Le.U64(s, 0x48),
                BStoreOffset = Le.U32(s, 0x50),
                SizeOfBStore = Le.U32(s, 0x54),
                LimitOfBStore = Le.U64(s, 0x58),
                DataPageAddress = Le.U64(s, 0x60),
                DataPageOffset = Le.U32(s, 0x68),
                DataPageSize = Le.U32(s, 0x6c),
                DebuggerDataOffset = Le.U32(s, 0x70),
                DebuggerDataSize = Le.U32(s, 0x74),
                DataBlocksOffset = Le.U32(s, 0x78),
                DataBlocksCount = Le.U32(s, 0x7c),
            };
        }
        return h with
        {
            TopOfStack = Le.U32(s, 0x48),
            DataPageAddress = Le.U32(s, 0x4c),
            DataPageOffset = Le.U32(s, 0x50),
            DataPageSize = Le.U32(s, 0x54),
            DebuggerDataOffset = Le.U32(s, 0x58),
            DebuggerDataSize = Le.U32(s, 0x5c),
            DataBlocksOffset = Le.U32(s, 0x60),
            DataBlocksCount = Le.U32(s, 0x64),
        };
    }
}
