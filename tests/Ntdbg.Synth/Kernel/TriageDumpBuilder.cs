using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Kernel;

/// <summary>
/// Writes a triage (small memory, DumpType 4) kernel dump, 32- or 64-bit: the dump header, the
/// TRIAGE_DUMP table of contents after it, then MM counters, unloaded drivers, PRCB/process/thread
/// copies, the call stack, the driver list with its string pool, a KDBG copy, data blocks and the
/// 'TRGD' valid marker. Layouts are written from the public descriptions of the format.
/// </summary>
public sealed class TriageDumpBuilder
{
    public bool Is64 { get; set; }
    public uint BugCheckCode { get; set; } = 0x7f;
    public ulong[] BugCheckParameters { get; set; } = [8, 0x80042000, 0, 0];
    public uint Build { get; set; } = 7601;
    public byte[]? Context { get; set; }
    public ulong KdDebuggerDataBlock { get; set; } = 0x82f6dc28;
    public ulong TopOfStack { get; set; } = 0x8d0ff000;
    public byte[] Stack { get; set; } = new byte[0x400];
    public ulong PrcbAddress { get; set; } = 0x82f72d20;
    public ulong ThreadAddress { get; set; } = 0x85a0e030;
    public ulong ProcessAddress { get; set; } = 0x84e4f8a8;
    public uint CurrentProcessor { get; set; } = 1;
    /// <summary>Where KiProcessorBlock lies; the builder saves it as a data block so the PRCB copy can be placed.</summary>
    public ulong KiProcessorBlock { get; set; } = 0x82f85880;
    /// <summary>KDBG.NtBuildLab: the address of the build-lab string (save it as a data block).</summary>
    public ulong NtBuildLab { get; set; }
    public List<SyntheticDriver> Drivers { get; } = [];
    public List<(string Name, ulong Start, ulong End)> UnloadedDrivers { get; } = [];
    public List<(ulong Address, byte[] Data)> DataBlocks { get; } = [];

    // KDBG offsets this builder uses (as in _KDDEBUGGER_DATA64, same on x86 and x64).
    public const ushort PrcbSize = 0x400, ProcessSize = 0x200, ThreadSize = 0x200;
    public const ushort OffsetPrcbCurrentThread = 0x4, OffsetPrcbNumber = 0x3ca, OffsetKThreadApcProcess = 0x50;

    public byte[] BuildDump()
    {
        int headerSize = Is64 ? 0x2000 : 0x1000;
        int ptr = Is64 ? 8 : 4;
        var file = new List<byte>();
        var header = new byte[headerSize];
        for (int i = 0; i < header.Length; i += 4) Encoding.ASCII.GetBytes("PAGE").CopyTo(header, i);
        file.AddRange(header);
        var triage = new byte[Is64 ? 0x80 : 0x68];
        file.AddRange(triage);
        int Append(byte[] data, int align = 8)
        {
            while (file.Count % align != 0) file.Add(0);
            int at = file.Count;
            file.AddRange(data);
            return at;
        }

        int mm = Append(MmStorage());
        int unloaded = Append(UnloadedList());
        var prcb = new byte[PrcbSize];
        WritePtr(prcb, OffsetPrcbCurrentThread, ThreadAddress);
        BinaryPrimitives.WriteUInt16LittleEndian(prcb.AsSpan(OffsetPrcbNumber), (ushort)CurrentProcessor);
        int prcbAt = Append(prcb);
        int processAt = Append(new byte[ProcessSize]);
        var thread = new byte[ThreadSize];
        WritePtr(thread, OffsetKThreadApcProcess, ProcessAddress);
        int threadAt = Append(thread);
        int stackAt = Append(Stack);
        int entrySize = Is64 ? 0x90 : 0x4c;
        int driversAt = Append(new byte[entrySize * Drivers.Count]);
        int poolAt = file.Count;
        for (int i = 0; i < Drivers.Count; i++)
        {
            var d = Drivers[i];
            var name = Encoding.Unicode.GetBytes(@"\SystemRoot\system32\drivers\" + d.FileName);
            var s = new byte[4 + name.Length + 2];
            BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)(name.Length / 2));
            name.CopyTo(s, 4);
            int nameAt = Append(s, 4);
            var e = new byte[entrySize];
            BinaryPrimitives.WriteUInt32LittleEndian(e, (uint)nameAt);
            int l = Is64 ? 8 : 4; // the KLDR_DATA_TABLE_ENTRY copy
            if (Is64)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(e.AsSpan(l + 0x30), d.Base);
                BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(l + 0x40), d.Size);
                BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(l + 0x78), d.CheckSum);
                BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(l + 0x80), d.TimeDateStamp);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(l + 0x18), (uint)d.Base);
                BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(l + 0x20), d.Size);
                BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(l + 0x40), d.CheckSum);
                BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(l + 0x44), d.TimeDateStamp);
            }
            for (int b = 0; b < e.Length; b++) file[driversAt + i * entrySize + b] = e[b];
        }
        int poolSize = file.Count - poolAt;
        int kdbgAt = Append(Kdbg());
        var processorBlock = new byte[ptr * (int)(CurrentProcessor + 1)];
        WritePtr(processorBlock, ptr * (int)CurrentProcessor, PrcbAddress);
        DataBlocks.Add((KiProcessorBlock, processorBlock));
        var blocks = new byte[(Is64 ? 16 : 12) * DataBlocks.Count];
        int blocksAt = Append(blocks);
        for (int i = 0; i < DataBlocks.Count; i++)
        {
            int dataAt = Append(DataBlocks[i].Data);
            int e = blocksAt + i * (Is64 ? 16 : 12);
            var entry = new byte[Is64 ? 16 : 12];
            if (Is64) { BinaryPrimitives.WriteUInt64LittleEndian(entry, DataBlocks[i].Address); BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(8), (uint)dataAt); BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(12), (uint)DataBlocks[i].Data.Length); }
            else { BinaryPrimitives.WriteUInt32LittleEndian(entry, (uint)DataBlocks[i].Address); BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(4), (uint)dataAt); BinaryPrimitives.WriteUInt32LittleEndian(entry.AsSpan(8), (uint)DataBlocks[i].Data.Length); }
            for (int b = 0; b < entry.Length; b++) file[e + b] = entry[b];
        }
        int validAt = Append(BitConverter.GetBytes(0x44475254u), 4); // 'TRGD'
        int size = file.Count;

        var bytes = file.ToArray();
        WriteDumpHeader(bytes, size);
        void U(int o, long v) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(headerSize + o), (uint)v);
        U(0x04, size); U(0x08, validAt); U(0x0c, Is64 ? 0x348 : 0x320); U(0x10, Is64 ? 0xf00 : 0x7d0);
        U(0x14, mm); U(0x18, unloaded); U(0x1c, prcbAt); U(0x20, processAt); U(0x24, threadAt);
        U(0x28, stackAt); U(0x2c, Stack.Length); U(0x30, driversAt); U(0x34, Drivers.Count);
        U(0x38, poolAt); U(0x3c, poolSize); U(0x44, 0xffffffff);
        if (Is64)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(headerSize + 0x48), TopOfStack);
            U(0x70, kdbgAt); U(0x74, Kdbg().Length); U(0x78, blocksAt); U(0x7c, DataBlocks.Count);
        }
        else
        {
            U(0x48, (long)TopOfStack);
            U(0x58, kdbgAt); U(0x5c, Kdbg().Length); U(0x60, blocksAt); U(0x64, DataBlocks.Count);
        }
        return bytes;

        void WritePtr(byte[] b, int o, ulong v)
        {
            if (ptr == 8) BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(o), v);
            else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(o), (uint)v);
        }
    }

    private byte[] MmStorage()
    {
        var m = new byte[Is64 ? 0x50 : 0x34];
        BinaryPrimitives.WriteUInt32LittleEndian(m, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(4), (uint)m.Length);
        return m;
    }

    private byte[] UnloadedList()
    {
        int size = Is64 ? 0x38 : 0x28, first = Is64 ? 8 : 4, nameAt = Is64 ? 16 : 8;
        var u = new byte[first + size * UnloadedDrivers.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(u, (uint)UnloadedDrivers.Count);
        for (int i = 0; i < UnloadedDrivers.Count; i++)
        {
            var (name, start, end) = UnloadedDrivers[i];
            var e = u.AsSpan(first + i * size);
            var text = Encoding.Unicode.GetBytes(name.Length > 12 ? name[..12] : name);
            BinaryPrimitives.WriteUInt16LittleEndian(e, (ushort)text.Length);
            BinaryPrimitives.WriteUInt16LittleEndian(e[2..], (ushort)text.Length);
            text.CopyTo(e[nameAt..]);
            if (Is64) { BinaryPrimitives.WriteUInt64LittleEndian(e[(nameAt + 24)..], start); BinaryPrimitives.WriteUInt64LittleEndian(e[(nameAt + 32)..], end); }
            else { BinaryPrimitives.WriteUInt32LittleEndian(e[(nameAt + 24)..], (uint)start); BinaryPrimitives.WriteUInt32LittleEndian(e[(nameAt + 28)..], (uint)end); }
        }
        return u;
    }

    private byte[] Kdbg()
    {
        var k = new byte[0x340];
        var s = k.AsSpan();
        Encoding.ASCII.GetBytes("KDBG").CopyTo(k, 0x10);
        BinaryPrimitives.WriteUInt32LittleEndian(s[0x14..], (uint)k.Length);
        // x86 kernels sign-extend the KDBG's pointers to 64 bits.
        ulong P(ulong v) => Is64 ? v : (ulong)(long)(int)(uint)v;
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x18..], P(Drivers.Count > 0 ? Drivers[0].Base : 0));
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x208..], P(NtBuildLab));
        BinaryPrimitives.WriteUInt64LittleEndian(s[0x218..], P(KiProcessorBlock));
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x2a0..], OffsetKThreadApcProcess);
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x2a8..], ProcessSize);
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x2b0..], PrcbSize);
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x2b4..], OffsetPrcbCurrentThread);
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x2be..], OffsetPrcbNumber);
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x2c0..], ThreadSize);
        return k;
    }

    private void WriteDumpHeader(byte[] h, int size)
    {
        void U32(int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(o), v);
        void U64(int o, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(o), v);
        if (Is64)
        {
            Encoding.ASCII.GetBytes("PAGEDU64").CopyTo(h, 0);
            U32(0x08, 0xf); U32(0x0c, Build); U32(0x30, 0x8664); U32(0x34, 2); U32(0x38, BugCheckCode);
            for (int i = 0; i < 4; i++) U64(0x40 + 8 * i, BugCheckParameters[i]);
            U64(0x80, KdDebuggerDataBlock);
            Context?.CopyTo(h, 0x348);
            h.AsSpan(0xf00, 0x98).Clear();
            U32(0xf98, 4); U64(0xfa0, (ulong)size);
        }
        else
        {
            Encoding.ASCII.GetBytes("PAGEDUMP").CopyTo(h, 0);
            U32(0x08, 0xf); U32(0x0c, Build); U32(0x20, 0x14c); U32(0x24, 2); U32(0x28, BugCheckCode);
            for (int i = 0; i < 4; i++) U32(0x2c + 4 * i, (uint)BugCheckParameters[i]);
            h[0x5c] = 1;
            U32(0x60, (uint)KdDebuggerDataBlock);
            Context?.CopyTo(h, 0x320);
            h.AsSpan(0x7d0, 0x50).Clear();
            U32(0xf88, 4); U64(0xfa0, (ulong)size);
        }
    }
}
