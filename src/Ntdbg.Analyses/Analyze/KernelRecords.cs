using System.Buffers.Binary;
using Ntdbg.Core.Memory;
using Ntdbg.Targets.Contexts;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Analyze;

/// <summary>
/// Reads the records a bug check parameter points at: an EXCEPTION_RECORD (fixed layout), a
/// CONTEXT (<see cref="ContextDecoder"/>); a KTRAP_FRAME is <see cref="TrapFrameDecoder"/>'s.
/// Each read reports why it failed instead of returning zeros.
/// </summary>
public static class KernelRecords
{
    /// <summary>The size of an EXCEPTION_RECORD64/32 with all 15 parameter slots.</summary>
    public static int ExceptionRecordSize(int pointerSize) => (pointerSize == 8 ? 0x20 : 0x14) + 15 * pointerSize;

    public static ExceptionInfo? ReadExceptionRecord(IVirtualMemory memory, ulong at, int pointerSize, out string? problem)
    {
        problem = null;
        var b = new byte[ExceptionRecordSize(pointerSize)];
        int n = memory.Read(at, b, out var fault);
        if (n < (pointerSize == 8 ? 0x20 : 0x14))
        {
            problem = $"exception record at {Hex.Pointer(at, pointerSize)} unreadable: {fault?.Detail ?? "missing"}";
            return null;
        }
        // A count past 15 is capped here: the analysis keeps what it can read.
        return DecodeExceptionRecord(b.AsSpan(0, n), pointerSize, out _);
    }

    /// <summary>
    /// EXCEPTION_RECORD64/32: code, flags, record, address, NumberParameters (returned as stored,
    /// for callers that reject a count past 15), then the parameters the bytes hold (at most 15).
    /// </summary>
    public static ExceptionInfo DecodeExceptionRecord(ReadOnlySpan<byte> b, int pointerSize, out uint storedCount)
    {
        int headerSize = pointerSize == 8 ? 0x20 : 0x14;
        uint code = BinaryPrimitives.ReadUInt32LittleEndian(b), flags = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        ulong record = pointerSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(b[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
        ulong address = pointerSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(b[0x10..]) : BinaryPrimitives.ReadUInt32LittleEndian(b[0xc..]);
        storedCount = BinaryPrimitives.ReadUInt32LittleEndian(b[(pointerSize == 8 ? 0x18 : 0x10)..]);
        var parameters = new List<ulong>();
        for (int i = 0; i < Math.Min(storedCount, 15) && headerSize + (i + 1) * pointerSize <= b.Length; i++)
        {
            var slot = b[(headerSize + pointerSize * i)..];
            parameters.Add(pointerSize == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(slot) : BinaryPrimitives.ReadUInt32LittleEndian(slot));
        }
        return new ExceptionInfo(0, code, flags, record, address, parameters, null);
    }

    public static RegisterContext? ReadContext(IVirtualMemory memory, ulong at, Machine machine, out string? problem)
    {
        var b = new byte[ContextDecoder.FullSize(machine)];
        int n = memory.Read(at, b, out var fault);
        if (n < ContextDecoder.MinimumSize(machine))
        {
            problem = $"context record at {Hex.Pointer(at, machine == Machine.X86 ? 4 : 8)} unreadable: {fault?.Detail ?? "missing"}";
            return null;
        }
        return ContextDecoder.Decode(machine, b.AsSpan(0, n), out problem);
    }
}
