using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Reads a perfmon binary log (.blg as written by Performance Monitor, logman and relog on Vista and
/// later: an ETW trace file of PDH records). See docs/perflog-blg.md for the layout and how it was
/// established. Values are cooked the way perfmon shows them (rates, percentages from raw counters
/// and their bases); a value the log cannot give (first sample of a rate, an instance not present
/// in a sample) is NaN.
/// </summary>
public static class BlgReader
{
    private const int MaxSeries = 1_000_000;

    public static CounterLog Read(string path) => ReadDetailed(path).Log;

    /// <summary>The log and what its header says (time zone rules, start and end, logger and file names).</summary>
    public static (CounterLog Log, BlgLogHeader Header) ReadDetailed(string path)
    {
        using var file = BlgFile.Open(path);
        return Decode(file);
    }

    /// <summary>Reads a .blg held in memory (tests, fuzzing); <paramref name="name"/> names it in errors.</summary>
    public static (CounterLog Log, BlgLogHeader Header) Read(byte[] bytes, string name)
    {
        using var file = BlgFile.FromBytes(bytes, name);
        return Decode(file);
    }

    /// <summary>Whether the file starts like a .blg (an ETW buffer whose first event is the logfile header).</summary>
    public static bool LooksLikeBlg(ReadOnlySpan<byte> start) =>
        start.Length >= 0x4c && BinaryPrimitives.ReadUInt32LittleEndian(start) is >= 0x1000 and <= 16 << 20
        && start[0x4a] is 1 or 2 && (start[0x4b] & 0xC0) == 0xC0;

    private static (CounterLog, BlgLogHeader) Decode(BlgFile file)
    {
        var (header, records) = BlgRecords.Read(file);
        var names = new Dictionary<int, string>();
        string? tableMachine = null;
        foreach (var r in records.Where(r => r.Kind == BlgRecordKind.NameTable))
        {
            string machine = ReadNameTable(r.Data, names);
            tableMachine ??= machine;
        }
        var samples = records.Where(r => r.Kind == BlgRecordKind.Sample).ToList();
        var timestamps = new List<DateTime>(samples.Count);
        var series = new Dictionary<string, Builder>(StringComparer.OrdinalIgnoreCase);
        var order = new List<Builder>();
        string defaultMachine = (tableMachine ?? "").TrimStart('\\');
        for (int s = 0; s < samples.Count; s++)
        {
            var record = samples[s];
            timestamps.Add(record.Timestamp);
            ForEachBlock(file, record, (block, offset) => PerfDataBlockReader.Read(block, offset,
                (o, problem) => file.Error(record.FileOffset, $"sample {s + 1} at record offset 0x{o:x}: {problem}"),
                (string? machine, int objectIndex, string? instance, int counterIndex, uint type, in RawValue value) =>
                {
                    var path = new CounterPath(string.IsNullOrEmpty(machine) ? defaultMachine : machine,
                        Name(names, objectIndex), instance, Name(names, counterIndex));
                    string key = path.ToString();
                    if (!series.TryGetValue(key, out var b))
                    {
                        if (series.Count >= MaxSeries) throw file.Error(record.FileOffset, $"more than {MaxSeries} counters");
                        series[key] = b = new Builder(path, type, samples.Count);
                        order.Add(b);
                    }
                    b.Add(s, value);
                }));
        }
        // As relog's CSV header gives it: the zone's name and bias at the log's start.
        bool known = header.StartUtc != DateTime.MinValue;
        var log = new CounterLog(file.Path, known ? header.TimeZone.NameAt(header.StartUtc) : null, timestamps, order.Select(b => new CounterSeries(b.Path, b.Values)).ToList())
        {
            TimeZoneBias = known ? header.TimeZone.BiasAt(header.StartUtc) : null,
        };
        return (log, header);
    }

    /// <summary>
    /// A sample record: "BL" 03 00 and the record's length, then blocks "BL" 03 05 and the block's
    /// length (8-byte tag and length included), each holding one PERF_DATA_BLOCK.
    /// </summary>
    private static void ForEachBlock(BlgFile file, BlgRecord record, Action<ReadOnlySpan<byte>, long> block)
    {
        var data = record.Data.AsSpan();
        if (data.Length < 8 || data[0] != 'B' || data[1] != 'L')
            throw file.Error(record.FileOffset, "sample record does not start with its \"BL\" tag");
        uint total = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        if (total < 8 || total > data.Length) throw file.Error(record.FileOffset, $"sample record length {total} out of range (8..{data.Length})");
        int p = 8;
        while (p + 8 <= total)
        {
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data[(p + 4)..]);
            if (data[p] != 'B' || data[p + 1] != 'L' || length < 8 || length > total - p)
                throw file.Error(record.FileOffset, $"sample record: block at 0x{p:x} has a bad tag or length {length}");
            if (data[p + 2] == 3 && data[p + 3] == 5) block(data.Slice(p + 8, (int)length - 8), p + 8);
            p += (int)length;
        }
    }

    /// <summary>Name-table record: the machine (\\NAME), then pairs of decimal index and name, all NUL-terminated UTF-16.</summary>
    private static string ReadNameTable(byte[] data, Dictionary<int, string> names)
    {
        var span = (ReadOnlySpan<byte>)data;
        string machine = BlgLogHeader.ReadString(ref span);
        while (span.Length >= 2)
        {
            string index = BlgLogHeader.ReadString(ref span);
            string name = BlgLogHeader.ReadString(ref span);
            if (int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out int i)) names.TryAdd(i, name);
        }
        return machine;
    }

    private static string Name(Dictionary<int, string> names, int index) =>
        names.TryGetValue(index, out var name) ? name : index.ToString(CultureInfo.InvariantCulture);

    /// <summary>One counter's raw readings, cooked as they arrive (each needs at most the previous one).</summary>
    private sealed class Builder(CounterPath path, uint type, int samples)
    {
        private RawValue? _previous;
        private int _previousSample = -1;

        public CounterPath Path { get; } = path;
        public double[] Values { get; } = Enumerable.Repeat(double.NaN, samples).ToArray();

        public void Add(int sample, in RawValue value)
        {
            if (sample == _previousSample) return; // the same path twice in one sample: keep the first
            // A gap (instance absent in between) breaks the pair: no rate across it.
            RawValue? previous = _previousSample == sample - 1 ? _previous : null;
            Values[sample] = PerfCounterType.Cook(type, previous, value);
            _previous = value;
            _previousSample = sample;
        }
    }
}
