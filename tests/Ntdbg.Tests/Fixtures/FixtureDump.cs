using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Tests.Fixtures;

/// <summary>
/// A deliberately tiny minidump reader for checking the fixture files, written from the format
/// description and independent of ntdbg's parser (so a layout bug there cannot be mirrored
/// here). Reads the header and stream directory and hands out bounds-checked stream bytes.
/// </summary>
public sealed class FixtureDump : IDisposable
{
    public const uint MdmpSignature = 0x504D444D; // "MDMP"
    public const ushort MdmpVersion = 0xA793;
    private const int MaxStreamBytes = 64 << 20;

    private readonly FileStream _file;

    public string Path { get; }
    public long Length { get; }
    public uint Signature { get; }
    public uint Version { get; }
    public ulong Flags { get; }
    public IReadOnlyList<(uint Type, uint Size, uint Rva)> Directory { get; }

    public FixtureDump(string path)
    {
        Path = path;
        _file = File.OpenRead(path);
        Length = _file.Length;
        var header = ReadAt(0, 32);
        Signature = BinaryPrimitives.ReadUInt32LittleEndian(header);
        Version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4));
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        uint directoryRva = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        Flags = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(24));
        if (count > 4096) throw new InvalidDataException($"{path}: {count} streams is implausible");
        var directory = ReadAt(directoryRva, checked((int)count * 12));
        var entries = new List<(uint, uint, uint)>();
        for (int i = 0; i < count; i++)
        {
            var e = directory.AsSpan(i * 12);
            entries.Add((BinaryPrimitives.ReadUInt32LittleEndian(e), BinaryPrimitives.ReadUInt32LittleEndian(e[4..]),
                         BinaryPrimitives.ReadUInt32LittleEndian(e[8..])));
        }
        Directory = entries;
    }

    /// <summary>Stream types in the directory, without the zero (UnusedStream) padding entries.</summary>
    public IEnumerable<uint> StreamTypes => Directory.Where(d => d.Type != 0).Select(d => d.Type);

    public byte[] Stream(uint type)
    {
        var matches = Directory.Where(d => d.Type == type).ToList();
        if (matches.Count != 1) throw new InvalidDataException($"{Path}: {matches.Count} streams of type {type}");
        return ReadAt(matches[0].Rva, checked((int)matches[0].Size));
    }

    public byte[] ReadAt(long offset, int length)
    {
        if (length < 0 || length > MaxStreamBytes || offset < 0 || offset + length > Length)
            throw new InvalidDataException($"{Path}: {length} bytes at 0x{offset:X} are outside the {Length}-byte file");
        var buffer = new byte[length];
        _file.Position = offset;
        _file.ReadExactly(buffer);
        return buffer;
    }

    public uint U32(long offset) => BinaryPrimitives.ReadUInt32LittleEndian(ReadAt(offset, 4));

    /// <summary>A MINIDUMP_STRING: byte length (no terminator), then UTF-16.</summary>
    public string MinidumpString(long rva)
    {
        uint bytes = U32(rva);
        if (bytes > 4096) throw new InvalidDataException($"{Path}: string of {bytes} bytes at 0x{rva:X}");
        return Encoding.Unicode.GetString(ReadAt(rva + 4, (int)bytes));
    }

    /// <summary>Thread ids from the ThreadList stream (MINIDUMP_THREAD is 48 bytes, ThreadId first).</summary>
    public List<uint> ThreadIds()
    {
        var list = Stream(FixtureStreamType.ThreadList);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(list);
        return Enumerable.Range(0, (int)count)
            .Select(i => BinaryPrimitives.ReadUInt32LittleEndian(list.AsSpan(4 + i * 48))).ToList();
    }

    /// <summary>Each thread's instruction pointer from its ThreadList context (MINIDUMP_THREAD's
    /// context location at offset 40): x86 CONTEXT.Eip at 0xB8, x64 CONTEXT.Rip at 0xF8, by the
    /// SystemInfo stream's processor architecture (0 x86, 9 AMD64).</summary>
    public Dictionary<uint, ulong> ThreadInstructionPointers()
    {
        ushort arch = BinaryPrimitives.ReadUInt16LittleEndian(Stream(FixtureStreamType.SystemInfo));
        var list = Stream(FixtureStreamType.ThreadList);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(list);
        var ips = new Dictionary<uint, ulong>();
        for (int i = 0; i < count; i++)
        {
            var t = list.AsSpan(4 + i * 48, 48);
            uint rva = BinaryPrimitives.ReadUInt32LittleEndian(t[44..]);
            ips[BinaryPrimitives.ReadUInt32LittleEndian(t)] = arch switch
            {
                0 => U32(rva + 0xB8),
                9 => BinaryPrimitives.ReadUInt64LittleEndian(ReadAt(rva + 0xF8, 8)),
                _ => throw new InvalidDataException($"{Path}: processor architecture {arch}"),
            };
        }
        return ips;
    }

    /// <summary>ThreadNames stream: count, then { ThreadId, RVA64 name } of 12 bytes each.</summary>
    public Dictionary<uint, string> ThreadNames()
    {
        var s = Stream(FixtureStreamType.ThreadNames);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(s);
        var names = new Dictionary<uint, string>();
        for (int i = 0; i < count; i++)
        {
            var e = s.AsSpan(4 + i * 12);
            names[BinaryPrimitives.ReadUInt32LittleEndian(e)] =
                MinidumpString((long)BinaryPrimitives.ReadUInt64LittleEndian(e[4..]));
        }
        return names;
    }

    /// <summary>First ModuleList entry (MINIDUMP_MODULE is 108 bytes): base, size, name, CodeView bytes.</summary>
    public (ulong Base, uint Size, string Name, byte[] CodeView) Module(int index)
    {
        var list = Stream(FixtureStreamType.ModuleList);
        var m = list.AsSpan(4 + index * 108, 108);
        ulong baseAddress = BinaryPrimitives.ReadUInt64LittleEndian(m);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(m[8..]);
        string name = MinidumpString(BinaryPrimitives.ReadUInt32LittleEndian(m[20..]));
        uint cvSize = BinaryPrimitives.ReadUInt32LittleEndian(m[76..]);
        uint cvRva = BinaryPrimitives.ReadUInt32LittleEndian(m[80..]);
        return (baseAddress, size, name, cvSize == 0 ? [] : ReadAt(cvRva, (int)cvSize));
    }

    /// <summary>Exception stream: thread id, then MINIDUMP_EXCEPTION at offset 8.</summary>
    public (uint ThreadId, uint Code, ulong Address, ulong[] Parameters) Exception()
    {
        var s = Stream(FixtureStreamType.ExceptionInfo);
        uint n = Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(8 + 24)), 15u);
        var parameters = Enumerable.Range(0, (int)n)
            .Select(i => BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(8 + 32 + i * 8))).ToArray();
        return (BinaryPrimitives.ReadUInt32LittleEndian(s), BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(8)),
                BinaryPrimitives.ReadUInt64LittleEndian(s.AsSpan(8 + 16)), parameters);
    }

    /// <summary>Bytes at a virtual address from the Memory64List (null when the range is not in the dump).</summary>
    public byte[]? ReadMemory64(ulong address, int length)
    {
        var list = Stream(FixtureStreamType.Memory64List);
        ulong count = BinaryPrimitives.ReadUInt64LittleEndian(list);
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(list.AsSpan(8));
        for (int i = 0; i < (int)Math.Min(count, (ulong)(list.Length - 16) / 16); i++)
        {
            ulong start = BinaryPrimitives.ReadUInt64LittleEndian(list.AsSpan(16 + i * 16));
            ulong size = BinaryPrimitives.ReadUInt64LittleEndian(list.AsSpan(16 + i * 16 + 8));
            if (address >= start && address + (ulong)length <= start + size)
                return ReadAt((long)(offset + (address - start)), length);
            offset += size;
        }
        return null;
    }

    public void Dispose() => _file.Dispose();
}
