using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>One RUNTIME_FUNCTION-style entry: begin/end/unwind-data RVAs relative to the table's base address.</summary>
public readonly record struct FunctionTableEntry(uint BeginAddress, uint EndAddress, uint UnwindData);

/// <summary>
/// A dynamic function table (code generated at run time registered with RtlAddFunctionTable): its address
/// range, base, and where its native descriptor and entries lie in the file.
/// </summary>
public sealed record MinidumpFunctionTable(ulong MinimumAddress, ulong MaximumAddress, ulong BaseAddress, uint EntryCount,
    long NativeDescriptorOffset, int NativeDescriptorSize, long EntriesOffset, int EntrySize)
{
    /// <summary>The entries as x64/ARM64 RUNTIME_FUNCTIONs (the first 12 bytes of each entry).</summary>
    public IReadOnlyList<FunctionTableEntry> ReadEntries(MappedFile file)
    {
        if (EntrySize < 12) return [];
        var list = new List<FunctionTableEntry>((int)EntryCount);
        for (long i = 0; i < EntryCount; i++)
        {
            var s = file.Span(EntriesOffset + i * EntrySize, 12, "function table entry");
            list.Add(new FunctionTableEntry(Le.U32(s, 0), Le.U32(s, 4), Le.U32(s, 8)));
        }
        return list;
    }
}

/// <summary>
/// FunctionTableStream (13): a header {SizeOfHeader, SizeOfDescriptor, SizeOfNativeDescriptor, SizeOfFunctionEntry,
/// NumberOfDescriptors, SizeOfAlignPad}, pad, then per table: MINIDUMP_FUNCTION_TABLE_DESCRIPTOR (MinimumAddress,
/// MaximumAddress, BaseAddress, EntryCount, SizeOfAlignPad), the native descriptor, the entries, pad.
/// </summary>
public static class FunctionTableStream
{
    public const int HeaderSize = 24;
    public const int DescriptorSize = 32;
    private const int MaxRecordPart = 1 << 16;

    public static IReadOnlyList<MinidumpFunctionTable> Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (!body.Has(HeaderSize))
        {
            dump.Warn("function table stream header lies past the end of the file");
            return [];
        }
        var s = body.Data;
        uint sizeOfHeader = Le.U32(s, 0), sizeOfDescriptor = Le.U32(s, 4), sizeOfNative = Le.U32(s, 8), sizeOfEntry = Le.U32(s, 12);
        int count = Limits.CheckCount(Le.U32(s, 16), Limits.MaxListEntries, "function table", dump.Path, body.Offset + 16);
        uint headerPad = Le.U32(s, 20);
        if (sizeOfHeader < HeaderSize || sizeOfDescriptor < DescriptorSize)
            throw dump.Error(body.Offset, $"function table: header size {sizeOfHeader} or descriptor size {sizeOfDescriptor} is too small");
        if (sizeOfHeader > MaxRecordPart || sizeOfDescriptor > MaxRecordPart || sizeOfNative > MaxRecordPart || sizeOfEntry > MaxRecordPart || headerPad > MaxRecordPart)
            throw dump.Error(body.Offset, "function table: a record size exceeds the limit of 64 KiB");

        var tables = new List<MinidumpFunctionTable>();
        long at = (long)sizeOfHeader + headerPad;
        long totalEntries = 0;
        for (int i = 0; i < count; i++)
        {
            if (at + sizeOfDescriptor > body.DeclaredSize)
                throw dump.Error(body.Offset + at, $"function table {i}: descriptor runs past the stream (0x{body.DeclaredSize:x} bytes)");
            if (at + DescriptorSize > s.Length)
            {
                dump.Warn($"function table: only {i} of {count} tables lie within the file (truncated)");
                break;
            }
            var d = s.Slice((int)at, DescriptorSize);
            uint entries = Le.U32(d, 24), pad = Le.U32(d, 28);
            totalEntries += entries;
            if (totalEntries > Limits.MaxRuntimeFunctions)
                throw dump.Error(body.Offset + at, $"function table entry count exceeds the limit of {Limits.MaxRuntimeFunctions}");
            if (pad > MaxRecordPart)
                throw dump.Error(body.Offset + at, $"function table {i}: padding {pad} exceeds the limit of 64 KiB");
            long native = at + sizeOfDescriptor;
            long first = native + sizeOfNative;
            long next = first + (long)entries * sizeOfEntry + pad;
            if (next > body.DeclaredSize)
                throw dump.Error(body.Offset + at, $"function table {i}: {entries} entries of {sizeOfEntry} bytes run past the stream");
            if (first + (long)entries * sizeOfEntry > s.Length)
            {
                dump.Warn($"function table: only {i} of {count} tables lie within the file (truncated)");
                break;
            }
            tables.Add(new MinidumpFunctionTable(Le.U64(d, 0), Le.U64(d, 8), Le.U64(d, 16), entries,
                body.Offset + native, (int)sizeOfNative, body.Offset + first, (int)sizeOfEntry));
            at = next;
        }
        return tables;
    }
}
