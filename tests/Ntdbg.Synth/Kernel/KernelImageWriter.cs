using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Kernel;

/// <summary>A function <see cref="KernelImageWriter.AddFunction"/> placed in the image.</summary>
/// <param name="FrameSize">What its prologue allocates (`sub rsp, FrameSize`).</param>
/// <param name="ReturnAddress">The address just after its call: what its callee finds on the stack as the return address.</param>
public sealed record SyntheticFunction(string Symbol, ulong Address, uint FrameSize, ulong ReturnAddress);

/// <summary>
/// Writes ntoskrnl's PE image into a scenario's kernel address space: DOS and NT headers, a
/// section table, a debug directory whose CodeView (RSDS) record carries the GUID, age and PDB
/// name of the build's ISF table — so a reader matches the image to its symbols the way it
/// would on a real dump — and an exception directory with UNWIND_INFO for every function added,
/// so stacks through them unwind. Functions sit at their real RVAs from the table; the image's
/// own .rdata/.pdata go past the highest symbol RVA, where no global lives.
/// </summary>
public sealed class KernelImageWriter
{
    // sub rsp, imm32 (7) | call rel32 (5) | nop (1) | add rsp, imm32 (7) | ret (1). The nop keeps the
    // return address off the epilog, as compiled code has it (an unwinder at an epilog emulates it instead).
    private const int CodeSize = 21;
    private const int PrologSize = 7;
    private const int ReturnOffset = 12;
    private const uint ImageDebugTypeCodeView = 2;
    // The debug directory and RSDS record sit in the headers' page, after the section table: tools
    // that find the kernel by its RSDS record (Volatility 3 scans 4 MiB from a candidate base) must
    // reach it, and a real kernel's pages up to its .rdata are all present where this image is sparse.
    private const uint DebugDirectoryRva = 0x800;
    private readonly IsfLayout _layout;
    private readonly List<(SyntheticFunction Function, string? Callee)> _functions = [];

    public KernelImageWriter(IsfLayout layout, ulong imageBase, uint timeDateStamp = 0x5f8a7d3e, int build = 19041)
    {
        Build = build;
        _layout = layout;
        ImageBase = imageBase;
        TimeDateStamp = timeDateStamp;
        RdataRva = Align((uint)layout.MaxSymbolRva() + 0x100, 0x1000);
    }

    public ulong ImageBase { get; }
    /// <summary>The Windows build, for the OS version in the optional header.</summary>
    public int Build { get; }
    public uint TimeDateStamp { get; }

    /// <summary>Where the image's debug directory, RSDS record and UNWIND_INFO go.</summary>
    public uint RdataRva { get; }
    private uint PdataRva => RdataRva + 0x1000 + Align((uint)_functions.Count * 16, 0x1000);
    public uint SizeOfImage => PdataRva + Align((uint)Math.Max(_functions.Count, 1) * 12, 0x1000);

    public IReadOnlyList<SyntheticFunction> Functions => _functions.Select(f => f.Function).ToList();

    /// <summary>
    /// Puts a small function at <paramref name="symbol"/>'s RVA: `sub rsp, frameSize; call
    /// callee; nop; add rsp, frameSize; ret`. <paramref name="frameSize"/> must be 8 mod 16 so the
    /// stack stays 16-byte aligned at the call. Adding the same symbol twice returns the first.
    /// </summary>
    public SyntheticFunction AddFunction(string symbol, uint frameSize, string? callee = null)
    {
        if (frameSize % 16 != 8 || frameSize > 0x7fff8) throw new ArgumentOutOfRangeException(nameof(frameSize), "must be 8 mod 16 and below 512 KiB");
        var existing = _functions.FirstOrDefault(f => f.Function.Symbol == symbol).Function;
        if (existing != null) return existing;
        ulong address = ImageBase + _layout.Rva(symbol);
        foreach (var (other, _) in _functions)
            if (address < other.Address + CodeSize && other.Address < address + CodeSize)
                throw new InvalidOperationException($"{symbol} at 0x{address:x} overlaps {other.Symbol}");
        var function = new SyntheticFunction(symbol, address, frameSize, address + ReturnOffset);
        _functions.Add((function, callee));
        return function;
    }

    /// <summary>Maps and writes the headers, the functions' code, .rdata and .pdata.</summary>
    public void Write(PageTableBuilder pt)
    {
        var sorted = _functions.OrderBy(f => f.Function.Address).ToList();
        pt.EnsureMapped(ImageBase, 1);
        pt.WriteVirtual(ImageBase, Headers());
        pt.EnsureMapped(ImageBase + RdataRva, (int)((SizeOfImage - RdataRva) / 0x1000));
        WriteDebugDirectory(pt);
        var pdata = new byte[sorted.Count * 12];
        for (int i = 0; i < sorted.Count; i++)
        {
            var (f, callee) = sorted[i];
            uint rva = (uint)(f.Address - ImageBase);
            pt.EnsureMapped(f.Address, (int)(((f.Address + CodeSize - 1) >> 12) - (f.Address >> 12) + 1));
            pt.WriteVirtual(f.Address, Code(f, callee));
            uint unwindRva = RdataRva + 0x1000 + (uint)i * 16;
            pt.WriteVirtual(ImageBase + unwindRva, UnwindInfo(f.FrameSize));
            BinaryPrimitives.WriteUInt32LittleEndian(pdata.AsSpan(i * 12), rva);
            BinaryPrimitives.WriteUInt32LittleEndian(pdata.AsSpan(i * 12 + 4), rva + CodeSize);
            BinaryPrimitives.WriteUInt32LittleEndian(pdata.AsSpan(i * 12 + 8), unwindRva);
        }
        if (pdata.Length > 0) pt.WriteVirtual(ImageBase + PdataRva, pdata);
    }

    private byte[] Code(SyntheticFunction f, string? callee)
    {
        var c = new byte[CodeSize];
        var s = c.AsSpan();
        c[0] = 0x48; c[1] = 0x81; c[2] = 0xEC;
        BinaryPrimitives.WriteUInt32LittleEndian(s[3..], f.FrameSize);
        c[7] = 0xE8;
        long target = callee != null && _layout.HasSymbol(callee) ? (long)(ImageBase + _layout.Rva(callee)) : (long)f.ReturnAddress;
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], (int)(target - (long)f.ReturnAddress));
        c[12] = 0x90;
        c[13] = 0x48; c[14] = 0x81; c[15] = 0xC4;
        BinaryPrimitives.WriteUInt32LittleEndian(s[16..], f.FrameSize);
        c[20] = 0xC3;
        return c;
    }

    /// <summary>UNWIND_INFO version 1 with one allocation: UWOP_ALLOC_SMALL up to 128 bytes, else UWOP_ALLOC_LARGE with the size in 8-byte units.</summary>
    private static byte[] UnwindInfo(uint frameSize)
    {
        var u = new byte[8];
        u[0] = 1;
        u[1] = PrologSize;
        if (frameSize <= 128)
        {
            u[2] = 1;
            u[4] = PrologSize;
            u[5] = (byte)(2 | ((frameSize / 8 - 1) << 4));
        }
        else
        {
            u[2] = 2;
            u[4] = PrologSize;
            u[5] = 1; // UWOP_ALLOC_LARGE, OpInfo 0: the next slot holds size / 8
            BinaryPrimitives.WriteUInt16LittleEndian(u.AsSpan(6), (ushort)(frameSize / 8));
        }
        return u;
    }

    private void WriteDebugDirectory(PageTableBuilder pt)
    {
        byte[] rsds = CodeViewRecord();
        var d = new byte[28];
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(4), TimeDateStamp);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(12), ImageDebugTypeCodeView);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(16), (uint)rsds.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(20), DebugDirectoryRva + 0x20); // AddressOfRawData
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(24), DebugDirectoryRva + 0x20); // PointerToRawData: the file offsets equal the RVAs
        pt.WriteVirtual(ImageBase + DebugDirectoryRva, d);
        pt.WriteVirtual(ImageBase + DebugDirectoryRva + 0x20, rsds);
    }

    /// <summary>"RSDS", the GUID in its binary order (Data1..3 little-endian, Data4 as written), age, PDB name.</summary>
    public byte[] CodeViewRecord()
    {
        string guid = _layout.PdbGuid;
        var r = new List<byte>(Encoding.ASCII.GetBytes("RSDS"));
        var g = new byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(g, Convert.ToUInt32(guid[..8], 16));
        BinaryPrimitives.WriteUInt16LittleEndian(g.AsSpan(4), Convert.ToUInt16(guid[8..12], 16));
        BinaryPrimitives.WriteUInt16LittleEndian(g.AsSpan(6), Convert.ToUInt16(guid[12..16], 16));
        for (int i = 0; i < 8; i++) g[8 + i] = Convert.ToByte(guid.Substring(16 + 2 * i, 2), 16);
        r.AddRange(g);
        r.AddRange(BitConverter.GetBytes(_layout.PdbAge));
        r.AddRange(Encoding.ASCII.GetBytes(_layout.PdbName + "\0"));
        return r.ToArray();
    }

    private byte[] Headers()
    {
        var pe = new PeBuilder(is64: true)
        {
            Machine = 0x8664,
            Characteristics = 0x22, // executable, large-address aware
            SizeOfOptionalHeader = 0xF0,
            TimeDateStamp = TimeDateStamp,
            ImageBase = ImageBase,
            Subsystem = 1, // native
            FileAlignment = 0x1000,
            SizeOfHeaders = 0x1000,
            SizeOfImage = SizeOfImage,
            DllCharacteristics = 0x160,
        };
        // The kernel's own version in its optional header: 6.1 (7601), 6.3 (9600), 10.0 after.
        (ushort major, ushort minor) = Build switch { < 9200 => ((ushort)6, (ushort)1), < 10240 => ((ushort)6, (ushort)3), _ => ((ushort)10, (ushort)0) };
        pe.MajorOperatingSystemVersion = pe.MajorSubsystemVersion = major;
        pe.MinorOperatingSystemVersion = pe.MinorSubsystemVersion = minor;
        // One code section over every RVA the table names (code and data alike: the real section
        // boundaries are not in the table), then the image's own read-only data and .pdata.
        AddVirtualSection(pe, ".text", 0x1000, RdataRva - 0x1000, 0x68000020);
        AddVirtualSection(pe, ".rdata", RdataRva, PdataRva - RdataRva, 0x40000040);
        AddVirtualSection(pe, ".pdata", PdataRva, SizeOfImage - PdataRva, 0x40000040);
        pe.SizeOfCode = RdataRva - 0x1000;
        pe.SizeOfInitializedData = SizeOfImage - RdataRva;
        pe.Directory(3, PdataRva, (uint)_functions.Count * 12);
        pe.Directory(6, DebugDirectoryRva, 28);
        return pe.Build()[..0x1000];
    }

    private static void AddVirtualSection(PeBuilder pe, string name, uint rva, uint size, uint characteristics) =>
        pe.Sections.Add(new PeBuilder.Section
        {
            Name = name,
            VirtualAddress = rva,
            VirtualSize = size,
            SizeOfRawData = size,
            PointerToRawData = rva,
            Characteristics = characteristics,
        });

    private static uint Align(uint v, uint a) => (v + a - 1) / a * a;
}
