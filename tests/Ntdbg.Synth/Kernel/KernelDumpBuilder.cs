using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Kernel;

/// <summary>
/// Writes kernel crash dumps from a <see cref="SyntheticPhysicalMemory"/>: DUMP_HEADER64 ('PAGEDU64',
/// 0x2000 bytes) or DUMP_HEADER32 ('PAGEDUMP', 0x1000 bytes) with unused bytes filled with "PAGE",
/// followed by the pages as a full dump (runs of consecutive frames, back to back) or a bitmap dump
/// ('SDMP'/'FDMP' header at 0x2000, bitmap, present pages in PFN order). Layouts written from the
/// public descriptions of the format, independently of the ntdbg parser.
/// </summary>
public sealed class KernelDumpBuilder
{
    /// <summary>Full: DumpType 1. Bitmap: DumpType 5. Rdmp: DumpType 8 ('RDMP' header, table of PFN ranges).</summary>
    public enum Layout { Full, Bitmap, Rdmp }

    public bool Is64 { get; set; } = true;
    public Layout Kind { get; set; } = Layout.Full;
    public string BitmapSignature { get; set; } = "SDMP";
    /// <summary>Extra zero bits at the end of the bitmap (physical memory the dump did not save).</summary>
    public ulong ExtraBitmapBits { get; set; } = 100;
    public uint MachineImageType { get; set; } = 0x8664;
    public uint MajorVersion { get; set; } = 0xf;
    public uint MinorVersion { get; set; } = 19041;
    public ulong DirectoryTableBase { get; set; }
    public ulong PfnDataBase { get; set; }
    public ulong PsLoadedModuleList { get; set; }
    public ulong PsActiveProcessHead { get; set; }
    public uint NumberProcessors { get; set; } = 1;
    public uint BugCheckCode { get; set; } = 0xd1;
    public ulong[] BugCheckParameters { get; set; } = [1, 2, 3, 4];
    public ulong KdDebuggerDataBlock { get; set; }
    public bool PaeEnabled { get; set; }
    public ulong SystemTime { get; set; } = 0x01d707f23dbb3399;
    public ulong SystemUpTime { get; set; } = 123_456_789;
    public uint ProductType { get; set; } = 1;
    public uint SuiteMask { get; set; } = 0x110;
    /// <summary>CONTEXT record copied into the header (AMD64 0x4d0 bytes or x86 0x2cc bytes).</summary>
    public byte[]? Context { get; set; }
    public uint ExceptionCode { get; set; } = 0x80000003;

    /// <summary>File offset of the first page of the last built dump (after the bitmap or header).</summary>
    public long FirstPageOffset { get; private set; }

    public byte[] Build(SyntheticPhysicalMemory memory)
    {
        var frames = memory.Frames.ToList();
        using var output = new MemoryStream();
        int headerSize = Is64 ? 0x2000 : 0x1000;
        var header = new byte[headerSize];
        for (int i = 0; i < header.Length; i += 4) Encoding.ASCII.GetBytes("PAGE").CopyTo(header, i);
        var runs = Runs(frames);
        long pagesBytes = (long)frames.Count * 0x1000;
        byte[] bitmapSection = [];
        if (Kind == Layout.Bitmap)
        {
            if (!Is64) throw new NotSupportedException("bitmap dumps are 64-bit");
            ulong bits = (frames.Count == 0 ? 0 : frames[^1] + 1) + ExtraBitmapBits;
            var bitmap = new byte[(bits + 7) / 8];
            foreach (var f in frames) bitmap[f / 8] |= (byte)(1 << (int)(f % 8));
            bitmapSection = new byte[0x38 + bitmap.Length];
            Encoding.ASCII.GetBytes(BitmapSignature + "DUMP").CopyTo(bitmapSection, 0);
            FirstPageOffset = headerSize + bitmapSection.Length;
            BinaryPrimitives.WriteUInt64LittleEndian(bitmapSection.AsSpan(0x20), (ulong)FirstPageOffset);
            BinaryPrimitives.WriteUInt64LittleEndian(bitmapSection.AsSpan(0x28), (ulong)frames.Count);
            BinaryPrimitives.WriteUInt64LittleEndian(bitmapSection.AsSpan(0x30), bits);
            bitmap.CopyTo(bitmapSection, 0x38);
        }
        else if (Kind == Layout.Rdmp)
        {
            // 0x20-byte RDMP header, 0x10 bytes of unknowns, then the ranges; MetadataSize counts from +0x20.
            ulong metadata = 0x10 + (ulong)runs.Count * 16;
            bitmapSection = new byte[0x20 + (int)metadata];
            BinaryPrimitives.WriteUInt32LittleEndian(bitmapSection, 0x40);
            Encoding.ASCII.GetBytes("RDMPDUMP").CopyTo(bitmapSection, 4);
            FirstPageOffset = headerSize + bitmapSection.Length;
            BinaryPrimitives.WriteUInt64LittleEndian(bitmapSection.AsSpan(0x10), metadata);
            BinaryPrimitives.WriteUInt64LittleEndian(bitmapSection.AsSpan(0x18), (ulong)FirstPageOffset);
            for (int i = 0; i < runs.Count; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bitmapSection.AsSpan(0x30 + 16 * i), runs[i].Base);
                BinaryPrimitives.WriteUInt64LittleEndian(bitmapSection.AsSpan(0x38 + 16 * i), runs[i].Count);
            }
        }
        else FirstPageOffset = headerSize;
        ulong required = (ulong)(FirstPageOffset + pagesBytes);
        if (Is64) WriteHeader64(header, runs, frames.Count, required);
        else WriteHeader32(header, runs, frames.Count, required);
        output.Write(header);
        output.Write(bitmapSection);
        foreach (var f in frames) output.Write(memory.Pages[f]);
        return output.ToArray();
    }

    /// <summary>
    /// The 0x2000-byte header of a 64-bit full dump whose physical memory descriptor lists
    /// <paramref name="runs"/> (frames back to back after the header), for writers that stream the
    /// pages themselves (<see cref="SparseDumpWriter"/>).
    /// </summary>
    public byte[] BuildFullHeader64(IReadOnlyList<(ulong Base, ulong Count)> runs)
    {
        var header = new byte[0x2000];
        for (int i = 0; i < header.Length; i += 4) Encoding.ASCII.GetBytes("PAGE").CopyTo(header, i);
        ulong pages = 0;
        foreach (var r in runs) pages += r.Count;
        var kind = Kind;
        Kind = Layout.Full;
        try { WriteHeader64(header, [.. runs], (int)Math.Min(pages, int.MaxValue), 0x2000 + pages * 0x1000); }
        finally { Kind = kind; }
        U64(header, 0x90, pages); // the page count is 64-bit in the descriptor
        return header;
    }

    private static List<(ulong Base, ulong Count)> Runs(List<ulong> frames)
    {
        var runs = new List<(ulong, ulong)>();
        foreach (var f in frames)
        {
            if (runs.Count > 0 && runs[^1].Item1 + runs[^1].Item2 == f) runs[^1] = (runs[^1].Item1, runs[^1].Item2 + 1);
            else runs.Add((f, 1));
        }
        return runs;
    }

    private void WriteHeader64(byte[] h, List<(ulong Base, ulong Count)> runs, int pageCount, ulong required)
    {
        var s = h.AsSpan();
        Encoding.ASCII.GetBytes("PAGEDU64").CopyTo(h, 0);
        U32(s, 0x08, MajorVersion); U32(s, 0x0c, MinorVersion);
        U64(s, 0x10, DirectoryTableBase); U64(s, 0x18, PfnDataBase); U64(s, 0x20, PsLoadedModuleList); U64(s, 0x28, PsActiveProcessHead);
        U32(s, 0x30, MachineImageType); U32(s, 0x34, NumberProcessors); U32(s, 0x38, BugCheckCode); U32(s, 0x3c, 0);
        for (int i = 0; i < 4; i++) U64(s, 0x40 + 8 * i, BugCheckParameters[i]);
        U64(s, 0x80, KdDebuggerDataBlock);
        if (Kind == Layout.Full)
        {
            if (runs.Count > 42) throw new InvalidOperationException("too many runs for the 700-byte descriptor");
            U32(s, 0x88, (uint)runs.Count); U32(s, 0x8c, 0); U64(s, 0x90, (ulong)pageCount);
            for (int i = 0; i < runs.Count; i++) { U64(s, 0x98 + 16 * i, runs[i].Base); U64(s, 0xa0 + 16 * i, runs[i].Count); }
        }
        Context?.CopyTo(h, 0x348);
        s.Slice(0xf00, 0x98).Clear();
        U32(s, 0xf00, ExceptionCode);
        U32(s, 0xf98, Kind switch { Layout.Full => 1u, Layout.Bitmap => 5u, _ => 8u }); U32(s, 0xf9c, 0);
        U64(s, 0xfa0, required); U64(s, 0xfa8, SystemTime);
        U64(s, 0x1030, SystemUpTime);
        U32(s, 0x1040, ProductType); U32(s, 0x1044, SuiteMask);
    }

    private void WriteHeader32(byte[] h, List<(ulong Base, ulong Count)> runs, int pageCount, ulong required)
    {
        var s = h.AsSpan();
        Encoding.ASCII.GetBytes("PAGEDUMP").CopyTo(h, 0);
        U32(s, 0x08, MajorVersion); U32(s, 0x0c, MinorVersion);
        U32(s, 0x10, (uint)DirectoryTableBase); U32(s, 0x14, (uint)PfnDataBase); U32(s, 0x18, (uint)PsLoadedModuleList); U32(s, 0x1c, (uint)PsActiveProcessHead);
        U32(s, 0x20, MachineImageType); U32(s, 0x24, NumberProcessors); U32(s, 0x28, BugCheckCode);
        for (int i = 0; i < 4; i++) U32(s, 0x2c + 4 * i, (uint)BugCheckParameters[i]);
        h[0x5c] = PaeEnabled ? (byte)1 : (byte)0; h[0x5d] = 0;
        U32(s, 0x60, (uint)KdDebuggerDataBlock);
        if (runs.Count > 86) throw new InvalidOperationException("too many runs for the 700-byte descriptor");
        U32(s, 0x64, (uint)runs.Count); U32(s, 0x68, (uint)pageCount);
        for (int i = 0; i < runs.Count; i++) { U32(s, 0x6c + 8 * i, (uint)runs[i].Base); U32(s, 0x70 + 8 * i, (uint)runs[i].Count); }
        Context?.CopyTo(h, 0x320);
        s.Slice(0x7d0, 0x50).Clear();
        U32(s, 0x7d0, ExceptionCode);
        U32(s, 0xf88, 1);
        U32(s, 0xf94, ProductType); U32(s, 0xf98, SuiteMask);
        U64(s, 0xfa0, required); U64(s, 0xfb8, SystemUpTime); U64(s, 0xfc0, SystemTime);
    }

    private static void U32(Span<byte> s, int o, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(s[o..], v);
    private static void U64(Span<byte> s, int o, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(s[o..], v);

    /// <summary>An AMD64 CONTEXT (0x4d0 bytes) with the given general registers (rax..r15 order as in the record).</summary>
    public static byte[] Amd64Context(ulong rip, ulong rsp, ulong rax = 0, ulong rcx = 0, uint eflags = 0x282)
    {
        var c = new byte[0x4d0];
        var s = c.AsSpan();
        U32(s, 0x30, 0x10001f);
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x38..], 0x10); // cs
        BinaryPrimitives.WriteUInt16LittleEndian(s[0x42..], 0x18); // ss
        U32(s, 0x44, eflags);
        U64(s, 0x78, rax); U64(s, 0x80, rcx); U64(s, 0x98, rsp); U64(s, 0xf8, rip);
        return c;
    }

    /// <summary>An x86 CONTEXT (0x2cc bytes).</summary>
    public static byte[] X86Context(uint eip, uint esp, uint eax = 0)
    {
        var c = new byte[0x2cc];
        var s = c.AsSpan();
        U32(s, 0xb0, eax); U32(s, 0xb8, eip); U32(s, 0xbc, 8); U32(s, 0xc0, 0x202); U32(s, 0xc4, esp); U32(s, 0xc8, 0x10);
        return c;
    }
}
