using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// What the first ETW buffer of a .blg says about the log: the ETW logfile header event
/// (TRACE_LOGFILE_HEADER, public in evntrace.h) with the collecting machine's time zone, the log's
/// start and end (UTC), the buffer size, and the logger and log file names.
/// </summary>
public sealed record BlgLogHeader(
    int BufferSize,
    uint BuffersWritten,
    int PointerSize,
    DateTime StartUtc,
    DateTime EndUtc,
    BlgTimeZone TimeZone,
    string LoggerName,
    string LogFileName)
{
    /// <summary>The ETW buffer header (WMI_BUFFER_HEADER) that starts every buffer.</summary>
    internal const int BufferHeaderSize = 0x48;

    /// <summary>SYSTEM_TRACE_HEADER before the logfile header: marker, size/hook, thread, process, time, kernel/user time.</summary>
    private const int SystemHeaderSize = 0x20;

    internal static BlgLogHeader Parse(ReadOnlySpan<byte> buffer, Func<long, string, Exception> error)
    {
        if (buffer.Length < BufferHeaderSize + SystemHeaderSize + 0x48)
            throw error(0, "file too small for an ETW buffer with a logfile header");
        int bufferSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        int ev = BufferHeaderSize;
        // The logfile header is a system event: marker word (version, header type 1 or 2, flags 0xC0).
        byte headerType = buffer[ev + 2], flags = buffer[ev + 3];
        if ((headerType != 1 && headerType != 2) || (flags & 0xC0) != 0xC0)
            throw error(ev, $"no ETW logfile header event (header type 0x{headerType:x2}, flags 0x{flags:x2}): not a perfmon binary log written through ETW");
        int size = BinaryPrimitives.ReadUInt16LittleEndian(buffer[(ev + 4)..]);
        if (size < SystemHeaderSize + 0x48 || ev + size > buffer.Length)
            throw error(ev + 4, $"logfile header event size {size} out of range");
        var h = buffer.Slice(ev + SystemHeaderSize, size - SystemHeaderSize);
        long end = BinaryPrimitives.ReadInt64LittleEndian(h[0x10..]);
        uint buffersWritten = BinaryPrimitives.ReadUInt32LittleEndian(h[0x24..]);
        int pointerSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(h[0x2c..]);
        if (pointerSize != 4 && pointerSize != 8)
            throw error(ev + SystemHeaderSize + 0x2c, $"pointer size {pointerSize} is neither 4 nor 8");
        // LoggerName and LogFileName are pointers (meaningless on disk); the time zone follows them.
        int tz = 0x38 + 2 * pointerSize;
        int afterTz = tz + BlgTimeZone.Size;
        int boot = (afterTz + 7) & ~7;
        int strings = boot + 0x20; // BootTime, PerfFreq, StartTime, ReservedFlags + BuffersLost
        if (strings > h.Length) throw error(ev + SystemHeaderSize, "logfile header event too short for its time zone and times");
        var timeZone = BlgTimeZone.Parse(h.Slice(tz, BlgTimeZone.Size));
        long start = BinaryPrimitives.ReadInt64LittleEndian(h[(boot + 0x10)..]);
        var rest = h[strings..];
        string logger = ReadString(ref rest);
        string file = ReadString(ref rest);
        return new BlgLogHeader(bufferSize, buffersWritten, pointerSize, FromFileTime(start), FromFileTime(end), timeZone, logger, file);
    }

    internal static DateTime FromFileTime(long value) =>
        value > 0 && value < DateTime.MaxValue.Ticks - new DateTime(1601, 1, 1).Ticks ? new DateTime(1601, 1, 1).AddTicks(value) : DateTime.MinValue;

    /// <summary>A NUL-terminated UTF-16 string at the start of <paramref name="span"/>; advances past it.</summary>
    internal static string ReadString(ref ReadOnlySpan<byte> span)
    {
        int chars = 0;
        while (2 * chars + 1 < span.Length && (span[2 * chars] | span[2 * chars + 1]) != 0) chars++;
        string s = Encoding.Unicode.GetString(span[..(2 * chars)]);
        span = span[Math.Min(span.Length, 2 * chars + 2)..];
        return s;
    }
}
