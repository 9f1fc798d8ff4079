using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth;

/// <summary>
/// Writes PE32 / PE32+ images for tests from its own field list (winnt.h layouts written out
/// here, not shared with the parser). Every header field is settable; sections are laid out
/// automatically (VA after the previous section, raw data after the previous raw data) unless
/// a test overrides a value. Content builders receive the section's RVA so they can emit
/// tables that point into themselves.
/// </summary>
public sealed class PeBuilder
{
    public sealed class Section
    {
        public required string Name { get; init; }
        public byte[] Data { get; set; } = [];
        public uint VirtualSize { get; set; }
        public uint VirtualAddress { get; set; }
        public uint SizeOfRawData { get; set; }
        /// <summary>0 = placed after the previous section's raw data at Build time.</summary>
        public uint PointerToRawData { get; set; }
        public uint PointerToRelocations { get; set; }
        public uint PointerToLinenumbers { get; set; }
        public ushort NumberOfRelocations { get; set; }
        public ushort NumberOfLinenumbers { get; set; }
        public uint Characteristics { get; set; }
    }

    public PeBuilder(bool is64)
    {
        Is64 = is64;
        Machine = is64 ? (ushort)0x8664 : (ushort)0x14c;
        SizeOfOptionalHeader = is64 ? (ushort)0xF0 : (ushort)0xE0;
        Characteristics = is64 ? (ushort)0x22 : (ushort)0x102;
        ImageBase = is64 ? 0x1_4000_0000UL : 0x40_0000UL;
    }

    public bool Is64 { get; }
    public int NewHeaderOffset { get; set; } = 0x80;
    public ushort Machine { get; set; }
    /// <summary>Null: the real section count.</summary>
    public ushort? NumberOfSectionsOverride { get; set; }
    public uint TimeDateStamp { get; set; } = 0x5F000000;
    public uint PointerToSymbolTable { get; set; }
    public uint NumberOfSymbols { get; set; }
    public ushort SizeOfOptionalHeader { get; set; }
    public ushort Characteristics { get; set; }
    public byte MajorLinkerVersion { get; set; } = 14;
    public byte MinorLinkerVersion { get; set; } = 20;
    public uint SizeOfCode { get; set; }
    public uint SizeOfInitializedData { get; set; }
    public uint SizeOfUninitializedData { get; set; }
    public uint AddressOfEntryPoint { get; set; }
    public uint BaseOfCode { get; set; } = 0x1000;
    public uint BaseOfData { get; set; }
    public ulong ImageBase { get; set; }
    public uint SectionAlignment { get; set; } = 0x1000;
    public uint FileAlignment { get; set; } = 0x200;
    public ushort MajorOperatingSystemVersion { get; set; } = 10;
    public ushort MinorOperatingSystemVersion { get; set; }
    public ushort MajorImageVersion { get; set; }
    public ushort MinorImageVersion { get; set; }
    public ushort MajorSubsystemVersion { get; set; } = 10;
    public ushort MinorSubsystemVersion { get; set; }
    public uint Win32VersionValue { get; set; }
    /// <summary>Null: computed from the last section.</summary>
    public uint? SizeOfImage { get; set; }
    /// <summary>Null: the headers rounded up to FileAlignment.</summary>
    public uint? SizeOfHeaders { get; set; }
    public uint CheckSum { get; set; }
    public ushort Subsystem { get; set; } = 1;
    public ushort DllCharacteristics { get; set; }
    public ulong SizeOfStackReserve { get; set; } = 0x40000;
    public ulong SizeOfStackCommit { get; set; } = 0x1000;
    public ulong SizeOfHeapReserve { get; set; } = 0x100000;
    public ulong SizeOfHeapCommit { get; set; } = 0x1000;
    public uint LoaderFlags { get; set; }
    public uint NumberOfRvaAndSizes { get; set; } = 16;
    public uint[] DirectoryRva { get; } = new uint[16];
    public uint[] DirectorySize { get; } = new uint[16];
    public List<Section> Sections { get; } = [];

    public PeBuilder Directory(int index, uint rva, uint size)
    {
        DirectoryRva[index] = rva;
        DirectorySize[index] = size;
        return this;
    }

    private static uint Align(uint v, uint a) => a == 0 ? v : (v + a - 1) / a * a;

    /// <summary>The RVA the next added section will get.</summary>
    public uint NextSectionRva => Sections.Count == 0
        ? Align(0x400, SectionAlignment)
        : Align(Sections[^1].VirtualAddress + Math.Max(Sections[^1].VirtualSize, 1), SectionAlignment);

    /// <summary>Adds a section; <paramref name="content"/> gets the section's RVA and returns its bytes.</summary>
    public Section AddSection(string name, uint characteristics, Func<uint, byte[]> content, uint? virtualSize = null, uint? rawSize = null)
    {
        uint rva = NextSectionRva;
        var data = content(rva);
        var s = new Section
        {
            Name = name,
            Data = data,
            VirtualAddress = rva,
            VirtualSize = virtualSize ?? (uint)data.Length,
            SizeOfRawData = rawSize ?? Align((uint)data.Length, FileAlignment),
            Characteristics = characteristics,
        };
        Sections.Add(s);
        return s;
    }

    public Section AddSection(string name, uint characteristics, byte[] data, uint? virtualSize = null, uint? rawSize = null) =>
        AddSection(name, characteristics, _ => data, virtualSize, rawSize);

    public byte[] Build()
    {
        int optFixed = Is64 ? 112 : 96;
        int headerEnd = NewHeaderOffset + 4 + 20 + SizeOfOptionalHeader + Sections.Count * 40;
        uint sizeOfHeaders = SizeOfHeaders ?? Align((uint)headerEnd, FileAlignment);
        uint raw = Align(sizeOfHeaders, FileAlignment);
        foreach (var s in Sections)
        {
            if (s.PointerToRawData == 0 && s.SizeOfRawData != 0)
            {
                s.PointerToRawData = raw;
                raw = Align(raw + s.SizeOfRawData, FileAlignment);
            }
        }
        long fileSize = Math.Max(Math.Max(sizeOfHeaders, headerEnd), Sections.Count == 0 ? 0 : Sections.Max(s => (long)s.PointerToRawData + s.SizeOfRawData));
        var f = new byte[fileSize];

        // IMAGE_DOS_HEADER: only e_magic and e_lfanew matter; the rest mimics a linker's stub header.
        W16(f, 0x00, 0x5A4D);
        W16(f, 0x02, 0x90);
        W16(f, 0x04, 3);
        W16(f, 0x08, 4);
        W16(f, 0x0C, 0xFFFF);
        W16(f, 0x10, 0xB8);
        W16(f, 0x18, 0x40);
        W32(f, 0x3C, (uint)NewHeaderOffset);

        int p = NewHeaderOffset;
        W32(f, p, 0x00004550); // "PE\0\0"
        int fh = p + 4;
        W16(f, fh + 0, Machine);
        W16(f, fh + 2, NumberOfSectionsOverride ?? (ushort)Sections.Count);
        W32(f, fh + 4, TimeDateStamp);
        W32(f, fh + 8, PointerToSymbolTable);
        W32(f, fh + 12, NumberOfSymbols);
        W16(f, fh + 16, SizeOfOptionalHeader);
        W16(f, fh + 18, Characteristics);

        int o = fh + 20;
        uint sizeOfImage = SizeOfImage ?? (Sections.Count == 0
            ? Align(sizeOfHeaders, SectionAlignment)
            : Align(Sections[^1].VirtualAddress + Sections[^1].VirtualSize, SectionAlignment));
        W16(f, o + 0, Is64 ? (ushort)0x20B : (ushort)0x10B);
        f[o + 2] = MajorLinkerVersion;
        f[o + 3] = MinorLinkerVersion;
        W32(f, o + 4, SizeOfCode);
        W32(f, o + 8, SizeOfInitializedData);
        W32(f, o + 12, SizeOfUninitializedData);
        W32(f, o + 16, AddressOfEntryPoint);
        W32(f, o + 20, BaseOfCode);
        if (Is64)
        {
            W64(f, o + 24, ImageBase);
        }
        else
        {
            W32(f, o + 24, BaseOfData);
            W32(f, o + 28, (uint)ImageBase);
        }
        W32(f, o + 32, SectionAlignment);
        W32(f, o + 36, FileAlignment);
        W16(f, o + 40, MajorOperatingSystemVersion);
        W16(f, o + 42, MinorOperatingSystemVersion);
        W16(f, o + 44, MajorImageVersion);
        W16(f, o + 46, MinorImageVersion);
        W16(f, o + 48, MajorSubsystemVersion);
        W16(f, o + 50, MinorSubsystemVersion);
        W32(f, o + 52, Win32VersionValue);
        W32(f, o + 56, sizeOfImage);
        W32(f, o + 60, sizeOfHeaders);
        W32(f, o + 64, CheckSum);
        W16(f, o + 68, Subsystem);
        W16(f, o + 70, DllCharacteristics);
        if (Is64)
        {
            W64(f, o + 72, SizeOfStackReserve);
            W64(f, o + 80, SizeOfStackCommit);
            W64(f, o + 88, SizeOfHeapReserve);
            W64(f, o + 96, SizeOfHeapCommit);
            W32(f, o + 104, LoaderFlags);
            W32(f, o + 108, NumberOfRvaAndSizes);
        }
        else
        {
            W32(f, o + 72, (uint)SizeOfStackReserve);
            W32(f, o + 76, (uint)SizeOfStackCommit);
            W32(f, o + 80, (uint)SizeOfHeapReserve);
            W32(f, o + 84, (uint)SizeOfHeapCommit);
            W32(f, o + 88, LoaderFlags);
            W32(f, o + 92, NumberOfRvaAndSizes);
        }
        for (int i = 0; i < 16 && optFixed + i * 8 + 8 <= SizeOfOptionalHeader; i++)
        {
            W32(f, o + optFixed + i * 8, DirectoryRva[i]);
            W32(f, o + optFixed + i * 8 + 4, DirectorySize[i]);
        }

        int st = o + SizeOfOptionalHeader;
        foreach (var s in Sections)
        {
            var name = Encoding.ASCII.GetBytes(s.Name);
            Array.Copy(name, 0, f, st, Math.Min(8, name.Length));
            W32(f, st + 8, s.VirtualSize);
            W32(f, st + 12, s.VirtualAddress);
            W32(f, st + 16, s.SizeOfRawData);
            W32(f, st + 20, s.PointerToRawData);
            W32(f, st + 24, s.PointerToRelocations);
            W32(f, st + 28, s.PointerToLinenumbers);
            W16(f, st + 32, s.NumberOfRelocations);
            W16(f, st + 34, s.NumberOfLinenumbers);
            W32(f, st + 36, s.Characteristics);
            st += 40;
            if (s.PointerToRawData < f.Length)
                Array.Copy(s.Data, 0, f, s.PointerToRawData, Math.Min(s.Data.Length, Math.Min((int)s.SizeOfRawData, f.Length - (int)s.PointerToRawData)));
        }
        return f;
    }

    internal static void W16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);
    internal static void W32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
    internal static void W64(byte[] b, int at, ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(at), v);

    /// <summary>The image as the loader maps it: headers at 0, each section's raw bytes at its RVA.</summary>
    public static byte[] MapImage(byte[] file, PeBuilder layout)
    {
        uint size = layout.SizeOfImage ?? layout.Sections.Max(s => s.VirtualAddress + Align(s.VirtualSize, layout.SectionAlignment));
        var m = new byte[size];
        Array.Copy(file, m, Math.Min(file.Length, (int)Math.Min(size, layout.SizeOfHeaders ?? 0x400)));
        foreach (var s in layout.Sections)
        {
            int n = (int)Math.Min(s.SizeOfRawData, s.VirtualSize);
            n = Math.Min(n, file.Length - (int)s.PointerToRawData);
            if (n > 0) Array.Copy(file, s.PointerToRawData, m, s.VirtualAddress, Math.Min(n, m.Length - (int)s.VirtualAddress));
        }
        return m;
    }
}
