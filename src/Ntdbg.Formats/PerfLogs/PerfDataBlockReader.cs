using System.Buffers.Binary;
using System.Text;
using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Reads the raw perflib data of one sample: PERF_DATA_BLOCK, PERF_OBJECT_TYPE,
/// PERF_COUNTER_DEFINITION, PERF_INSTANCE_DEFINITION and PERF_COUNTER_BLOCK (winperf.h, public),
/// reporting each shown counter of each instance with its raw value, base and timer.
/// Every length, offset and count is checked against the block and capped.
/// </summary>
internal static class PerfDataBlockReader
{
    private const int MaxObjects = 4096, MaxCounters = 4096, MaxInstances = 200_000;

    public delegate void Reading(string? machine, int objectIndex, string? instance, int counterIndex, uint counterType, in RawValue value);

    /// <param name="offset">The block's offset in its record, for error messages.</param>
    public static void Read(ReadOnlySpan<byte> block, long offset, Func<long, string, DumpFormatException> error, Reading reading)
    {
        if (block.Length < 0x58 || Encoding.Unicode.GetString(block[..8]) != "PERF")
            throw error(offset, "perflib data block without its \"PERF\" signature");
        if (U32(block, 0x08) != 1) throw error(offset + 8, "big-endian perflib data is not supported");
        int headerLength = Check(block, offset, 0x18, 0x58, block.Length, "data block header length", error);
        int objects = (int)U32(block, 0x1c);
        if (objects < 0 || objects > MaxObjects) throw error(offset + 0x1c, $"object count {objects} exceeds the limit of {MaxObjects}");
        long perfTime = I64(block, 0x38), perfFreq = I64(block, 0x40), perfTime100Ns = I64(block, 0x48);
        int nameLength = (int)U32(block, 0x50), nameOffset = (int)U32(block, 0x54);
        string? machine = null;
        if (nameLength > 0 && nameOffset >= 0 && nameOffset <= block.Length && nameLength <= block.Length - nameOffset)
        {
            var name = block.Slice(nameOffset, nameLength);
            machine = BlgLogHeader.ReadString(ref name);
        }
        int o = headerLength;
        for (int i = 0; i < objects; i++)
        {
            if (o + 0x40 > block.Length) throw error(offset + o, $"object {i} of {objects} runs past the data block ({block.Length} bytes)");
            int total = Check(block, offset + o, o, 0x40, block.Length - o, "object length", error);
            ReadObject(block.Slice(o, total), offset + o, error, machine, perfTime, perfFreq, perfTime100Ns, reading);
            o += total;
        }
    }

    private static void ReadObject(ReadOnlySpan<byte> obj, long offset, Func<long, string, DumpFormatException> error, string? machine,
        long perfTime, long perfFreq, long perfTime100Ns, Reading reading)
    {
        int definitionLength = Check(obj, offset, 4, 0x40, obj.Length, "object definition length", error);
        int headerLength = Check(obj, offset, 8, 0x40, definitionLength, "object header length", error);
        int objectIndex = (int)U32(obj, 0x0c);
        int counterCount = (int)U32(obj, 0x20);
        int instanceCount = (int)U32(obj, 0x28);
        long objectTime = I64(obj, 0x30), objectFreq = I64(obj, 0x38);
        if (counterCount < 0 || counterCount > MaxCounters) throw error(offset + 0x20, $"counter count {counterCount} exceeds the limit of {MaxCounters}");
        var counters = new (int Index, uint Type, int Size, int Offset)[counterCount];
        int c = headerLength;
        for (int i = 0; i < counterCount; i++)
        {
            if (c + 0x28 > definitionLength) throw error(offset + c, $"counter definition {i} of {counterCount} runs past the object's definitions ({definitionLength} bytes)");
            int length = Check(obj, offset + c, c, 0x28, definitionLength - c, "counter definition length", error);
            uint type = U32(obj, c + 0x1c);
            int size = (type & PerfCounterType.SizeMask) == PerfCounterType.SizeLarge ? 8 : (type & PerfCounterType.SizeMask) == PerfCounterType.SizeDword ? 4 : 0;
            counters[i] = ((int)U32(obj, c + 4), type, size, (int)U32(obj, c + 0x24));
            c += length;
        }
        RawValue Value(ReadOnlySpan<byte> data, long at, int i)
        {
            var def = counters[i];
            ulong value = ReadValue(data, at, def.Size, def.Offset, error);
            ulong @base = 0;
            if (PerfCounterType.NeedsBase(def.Type))
            {
                if (i + 1 >= counters.Length) throw error(at, $"counter {def.Index} (type 0x{def.Type:x8}) has no base counter after it");
                @base = ReadValue(data, at, counters[i + 1].Size, counters[i + 1].Offset, error);
            }
            (long time, long freq) = (def.Type & PerfCounterType.TimerMask) switch
            {
                PerfCounterType.Timer100Ns => (perfTime100Ns, 10_000_000L),
                PerfCounterType.TimerObject => (objectTime, objectFreq),
                _ => (perfTime, perfFreq),
            };
            return new RawValue(value, @base, time, freq);
        }
        void Report(ReadOnlySpan<byte> data, long at, string? instance)
        {
            for (int i = 0; i < counters.Length; i++)
            {
                if (!PerfCounterType.IsShown(counters[i].Type)) continue;
                reading(machine, objectIndex, instance, counters[i].Index, counters[i].Type, Value(data, at, i));
            }
        }
        int p = definitionLength;
        if (instanceCount == -1) // PERF_NO_INSTANCES: one counter block
        {
            Report(CounterBlock(obj, offset, p, error), offset + p, null);
            return;
        }
        if (instanceCount < 0 || instanceCount > MaxInstances) throw error(offset + 0x28, $"instance count {instanceCount} exceeds the limit of {MaxInstances}");
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < instanceCount; i++)
        {
            if (p + 0x18 > obj.Length) throw error(offset + p, $"instance {i} of {instanceCount} runs past the object ({obj.Length} bytes)");
            int length = Check(obj, offset + p, p, 0x18, obj.Length - p, "instance definition length", error);
            int uniqueId = (int)U32(obj, p + 0x0c), nameOffset = (int)U32(obj, p + 0x10), nameLength = (int)U32(obj, p + 0x14);
            string name;
            if (nameLength > 0)
            {
                if (nameOffset < 0x18 || nameOffset > length || nameLength > length - nameOffset)
                    throw error(offset + p + 0x10, $"instance name ({nameLength} bytes at {nameOffset}) outside its definition ({length} bytes)");
                var span = obj.Slice(p + nameOffset, nameLength);
                name = BlgLogHeader.ReadString(ref span);
            }
            else name = uniqueId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Parent/Instance names (e.g. Thread under Process) are not composed: see docs/perflog-blg.md.
            // PDH tells same-named instances apart by occurrence: name, name#1, name#2, ...
            int n = seen.TryGetValue(name, out int k) ? k : 0;
            seen[name] = n + 1;
            string instance = n == 0 ? name : $"{name}#{n}";
            var data = CounterBlock(obj, offset, p + length, error);
            Report(data, offset + p + length, instance);
            p += length + data.Length;
        }
    }

    private static ReadOnlySpan<byte> CounterBlock(ReadOnlySpan<byte> obj, long offset, int at, Func<long, string, DumpFormatException> error)
    {
        if (at + 4 > obj.Length) throw error(offset + at, $"counter block runs past the object ({obj.Length} bytes)");
        int length = Check(obj, offset + at, at, 4, obj.Length - at, "counter block length", error);
        return obj.Slice(at, length);
    }

    private static ulong ReadValue(ReadOnlySpan<byte> data, long at, int size, int offset, Func<long, string, DumpFormatException> error)
    {
        if (size == 0) return 0;
        if (offset < 0 || offset > data.Length - size) throw error(at, $"counter value ({size} bytes at {offset}) outside its counter block ({data.Length} bytes)");
        return size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(data[offset..]) : BinaryPrimitives.ReadUInt32LittleEndian(data[offset..]);
    }

    /// <summary>A length field at <paramref name="at"/> that must lie within min..max.</summary>
    private static int Check(ReadOnlySpan<byte> span, long offset, int at, int min, int max, string what, Func<long, string, DumpFormatException> error)
    {
        uint value = U32(span, at);
        if (value < min || value > max) throw error(offset, $"{what} {value} out of range ({min}..{max})");
        return (int)value;
    }

    private static uint U32(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadUInt32LittleEndian(s[at..]);

    private static long I64(ReadOnlySpan<byte> s, int at) => BinaryPrimitives.ReadInt64LittleEndian(s[at..]);
}
