using System.Buffers.Binary;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>The kinds of PDH record a .blg holds (the event's Class.Type), named from what each holds.</summary>
public enum BlgRecordKind : byte
{
    /// <summary>The counter paths the log was asked to collect (wildcards as given to logman/perfmon).</summary>
    Query = 0x20,
    /// <summary>One sample: a raw PERF_DATA_BLOCK per performance object.</summary>
    Sample = 0x22,
    /// <summary>Written when the log closes: time span, sample count, the objects' counters and instances.</summary>
    Summary = 0x23,
    /// <summary>A part of the collecting machine's counter name table (index, name pairs).</summary>
    NameTable = 0x24,
}

/// <summary>One PDH record, reassembled from its ETW events; <see cref="Timestamp"/> is the event's (local) time.</summary>
public sealed record BlgRecord(BlgRecordKind Kind, DateTime Timestamp, long FileOffset, byte[] Data);

/// <summary>
/// Walks the ETW buffers of a .blg and reassembles the PDH records. Each buffer starts with a
/// WMI_BUFFER_HEADER (size, filled offset at +0x30); events follow 8-byte aligned. PDH writes
/// EVENT_TRACE_HEADER events (header type 0x0A, 0x30 bytes) from provider
/// {933f3bb3-943e-490d-9ced-3cbb14c14479}; each payload is the logger's GUID, the part's number
/// (1-based), the number of parts, then at most 8000 bytes of the record.
/// </summary>
internal static class BlgRecords
{
    private static readonly Guid PdhProvider = new("933f3bb3-943e-490d-9ced-3cbb14c14479");
    private const int EventHeaderSize = 0x30;
    private const int PartHeaderSize = 24;
    private const int MaxParts = 8192;
    private const int MaxRecordBytes = 64 << 20;
    private const int MaxBufferSize = 16 << 20;

    public static (BlgLogHeader Header, List<BlgRecord> Records) Read(BlgFile file)
    {
        if (file.Length < BlgLogHeader.BufferHeaderSize) throw file.Error(0, $"file of {file.Length} bytes is too small for an ETW buffer");
        long bufferSize = file.U32(0);
        if (bufferSize < 0x1000 || bufferSize > MaxBufferSize || bufferSize % 8 != 0)
            throw file.Error(0, $"ETW buffer size {bufferSize} out of range (4 KiB..16 MiB): not a perfmon binary log");
        if (file.Length < bufferSize) throw file.Error(0, $"file of {file.Length} bytes is shorter than its first ETW buffer ({bufferSize} bytes)");
        var buffer = new byte[bufferSize];
        file.Read(0, buffer, buffer.Length);
        var header = BlgLogHeader.Parse(buffer, (o, p) => file.Error(o, p));
        var records = new List<BlgRecord>();
        Partial? partial = null;
        long buffers = file.Length / bufferSize;
        for (long b = 1; b < buffers; b++)
        {
            long at = b * bufferSize;
            file.Read(at, buffer, buffer.Length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(buffer) != bufferSize)
                throw file.Error(at, $"ETW buffer {b} gives its size as {BinaryPrimitives.ReadUInt32LittleEndian(buffer)}, the file's buffers are {bufferSize} bytes");
            long filled = BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(0x30));
            if (filled > bufferSize) throw file.Error(at + 0x30, $"ETW buffer {b} claims {filled} bytes filled, more than its size {bufferSize}");
            int p = BlgLogHeader.BufferHeaderSize;
            while (p + 4 <= filled)
            {
                var ev = buffer.AsSpan(p, (int)filled - p);
                byte type = ev[2], flags = ev[3];
                if ((flags & 0x80) == 0) break; // no trace header marker: the rest of the buffer is filler
                // System and perfinfo headers keep their size at +4, the others at +0.
                int size = type is 1 or 2 or 0x10 or 0x11 ? BinaryPrimitives.ReadUInt16LittleEndian(ev[4..]) : BinaryPrimitives.ReadUInt16LittleEndian(ev);
                if (size < 8 || size > ev.Length) throw file.Error(at + p, $"ETW event size {size} does not fit its buffer ({ev.Length} bytes left)");
                if (type == 0x0A && size >= EventHeaderSize + PartHeaderSize && new Guid(ev.Slice(0x18, 16)) == PdhProvider)
                    partial = AddPart(file, at + p, ev[..size], records, partial);
                p += (size + 7) & ~7;
            }
        }
        if (partial != null) throw file.Error(partial.Offset, $"PDH record of kind 0x{(byte)partial.Kind:x2} ends after part {partial.Next - 1} of {partial.Count}: the log is truncated");
        return (header, records);
    }

    private sealed class Partial(BlgRecordKind kind, DateTime timestamp, long offset, int count)
    {
        public BlgRecordKind Kind { get; } = kind;
        public DateTime Timestamp { get; } = timestamp;
        public long Offset { get; } = offset;
        public int Count { get; } = count;
        public int Next { get; set; } = 1;
        public MemoryStream Data { get; } = new();
    }

    private static Partial? AddPart(BlgFile file, long offset, ReadOnlySpan<byte> ev, List<BlgRecord> records, Partial? partial)
    {
        var kind = (BlgRecordKind)ev[4];
        var timestamp = BlgLogHeader.FromFileTime(BinaryPrimitives.ReadInt64LittleEndian(ev[0x10..]));
        var payload = ev[EventHeaderSize..];
        int part = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[16..]);
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[20..]);
        if (count < 1 || count > MaxParts || part < 1 || part > count)
            throw file.Error(offset + EventHeaderSize + 16, $"PDH record part {part} of {count} out of range (1..{MaxParts})");
        if (part == 1)
        {
            if (partial != null) throw file.Error(offset, $"PDH record starts before the previous one (kind 0x{(byte)partial.Kind:x2}, {partial.Next - 1} of {partial.Count} parts) ends");
            partial = new Partial(kind, timestamp, offset, count);
        }
        else if (partial == null || part != partial.Next || count != partial.Count || kind != partial.Kind)
            throw file.Error(offset, $"PDH record part {part} of {count} does not continue the record being read");
        if (partial.Data.Length + payload.Length - PartHeaderSize > MaxRecordBytes)
            throw file.Error(offset, $"PDH record exceeds the limit of {MaxRecordBytes} bytes");
        partial.Data.Write(payload[PartHeaderSize..]);
        partial.Next++;
        if (part < count) return partial;
        records.Add(new BlgRecord(partial.Kind, partial.Timestamp, partial.Offset, partial.Data.ToArray()));
        return null;
    }
}
