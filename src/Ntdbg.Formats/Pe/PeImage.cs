using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;

namespace Ntdbg.Formats.Pe;

/// <summary>
/// A PE image read either from its file (<see cref="FromFile"/>) or from memory where the loader
/// mapped it (<see cref="FromMemory"/>). Headers and sections are parsed when opened; the
/// directories (imports, exports, debug, .pdata, relocations) are parsed on request.
/// Malformed values throw <see cref="DumpFormatException"/>; unreadable memory throws
/// <see cref="MemoryFaultException"/> carrying the fault.
/// </summary>
public sealed partial class PeImage
{
    /// <summary>e_lfanew beyond this is not a real image (the loader maps headers in the first pages).</summary>
    private const int MaxNewHeaderOffset = 0x1000_0000;

    private readonly MappedFile? _file;
    private readonly IVirtualMemory? _memory;

    private PeImage(string name, PeLayout layout, MappedFile? file, IVirtualMemory? memory, ulong loadedBase)
    {
        Name = name;
        Layout = layout;
        _file = file;
        _memory = memory;
        LoadedBase = loadedBase;
        Dos = null!;
        FileHeader = null!;
        OptionalHeader = null!;
        DataDirectories = null!;
        Sections = null!;
    }

    /// <summary>The file path, or a description of where in memory the image lies; used in error messages.</summary>
    public string Name { get; }
    public PeLayout Layout { get; }
    /// <summary>The address the image was read at (memory layout); 0 for files.</summary>
    public ulong LoadedBase { get; }
    public PeDosHeader Dos { get; private set; }
    public uint NtHeadersOffset { get; private set; }
    public PeFileHeader FileHeader { get; private set; }
    public PeOptionalHeader OptionalHeader { get; private set; }
    /// <summary>Always 16 entries; slots beyond NumberOfRvaAndSizes read as zero, as the loader treats them.</summary>
    public IReadOnlyList<PeDataDirectory> DataDirectories { get; private set; }
    public IReadOnlyList<PeSectionHeader> Sections { get; private set; }
    /// <summary>File offset of the first section header.</summary>
    public uint SectionTableOffset { get; private set; }

    public bool Is64 => OptionalHeader.Is64;
    public int PointerSize => Is64 ? 8 : 4;
    public PeDataDirectory Directory(int index) => DataDirectories[index];

    public static PeImage FromFile(MappedFile file)
    {
        var image = new PeImage(file.Path, PeLayout.File, file, null, 0);
        image.ParseHeaders();
        return image;
    }

    /// <summary>Reads an image as mapped in an address space, e.g. a module inside a dump.</summary>
    public static PeImage FromMemory(IVirtualMemory memory, ulong baseAddress, string? name = null)
    {
        var image = new PeImage(name ?? $"image at {Hex.Address(baseAddress)} ({memory.Name})", PeLayout.Mapped, null, memory, baseAddress);
        image.ParseHeaders();
        return image;
    }

    private void ParseHeaders()
    {
        var dos = ReadHeaderBytes(0, PeDosHeader.Size, "DOS header");
        Dos = new PeDosHeader(
            Le.U16(dos, 0x00), Le.U16(dos, 0x02), Le.U16(dos, 0x04), Le.U16(dos, 0x06), Le.U16(dos, 0x08),
            Le.U16(dos, 0x0a), Le.U16(dos, 0x0c), Le.U16(dos, 0x0e), Le.U16(dos, 0x10), Le.U16(dos, 0x12),
            Le.U16(dos, 0x14), Le.U16(dos, 0x16), Le.U16(dos, 0x18), Le.U16(dos, 0x1a), Le.U16(dos, 0x24),
            Le.U16(dos, 0x26), Le.I32(dos, 0x3c));
        if (Dos.Magic != 0x5a4d)
            throw Format(0, $"no MZ signature (found 0x{Dos.Magic:x4})");
        if (Dos.NewHeaderOffset < 0 || Dos.NewHeaderOffset > MaxNewHeaderOffset)
            throw Format(0x3c, $"e_lfanew 0x{Dos.NewHeaderOffset:x} is not a plausible offset of the PE header");
        NtHeadersOffset = (uint)Dos.NewHeaderOffset;

        var nt = ReadHeaderBytes(NtHeadersOffset, 4 + PeFileHeader.Size, "PE signature and file header");
        if (Le.U32(nt, 0) != 0x00004550)
            throw Format(NtHeadersOffset, $"no PE signature at e_lfanew 0x{NtHeadersOffset:x} (found 0x{Le.U32(nt, 0):x8})");
        FileHeader = new PeFileHeader(Le.U16(nt, 4), Le.U16(nt, 6), Le.U32(nt, 8), Le.U32(nt, 12), Le.U32(nt, 16), Le.U16(nt, 20), Le.U16(nt, 22));

        uint optOffset = NtHeadersOffset + 4 + PeFileHeader.Size;
        ParseOptionalHeader(optOffset);

        SectionTableOffset = optOffset + FileHeader.SizeOfOptionalHeader;
        int count = Limits.CheckCount(FileHeader.NumberOfSections, Limits.MaxSections, "section", Name, NtHeadersOffset + 6);
        var table = ReadHeaderBytes(SectionTableOffset, count * PeSectionHeader.Size, $"section table ({count} sections)");
        var sections = new PeSectionHeader[count];
        for (int i = 0; i < count; i++)
        {
            var s = table.Slice(i * PeSectionHeader.Size, PeSectionHeader.Size);
            sections[i] = new PeSectionHeader(i + 1, Le.Ascii(s[..8]), Le.U32(s, 8), Le.U32(s, 12), Le.U32(s, 16), Le.U32(s, 20),
                Le.U32(s, 24), Le.U32(s, 28), Le.U16(s, 32), Le.U16(s, 34), Le.U32(s, 36));
        }
        Sections = sections;
    }

    private void ParseOptionalHeader(uint offset)
    {
        int size = FileHeader.SizeOfOptionalHeader;
        if (size < 2)
            throw Format(NtHeadersOffset + 20, $"size of optional header {size} is too small for an image");
        ushort magic = Le.U16(ReadHeaderBytes(offset, 2, "optional header magic"), 0);
        bool is64 = magic == PeOptionalHeader.MagicPe32Plus;
        if (!is64 && magic != PeOptionalHeader.MagicPe32)
            throw Format(offset, $"optional header magic 0x{magic:x} is neither PE32 (0x10b) nor PE32+ (0x20b)");
        int fixedSize = is64 ? PeOptionalHeader.FixedSizePe32Plus : PeOptionalHeader.FixedSizePe32;
        if (size < fixedSize)
            throw Format(NtHeadersOffset + 20, $"size of optional header 0x{size:x} is smaller than the 0x{fixedSize:x} bytes a {(is64 ? "PE32+" : "PE32")} header needs");
        var o = ReadHeaderBytes(offset, size, "optional header");

        // The fields from ImageBase to LoaderFlags shift by 4 (ImageBase) and 16 (four stack/heap sizes) in PE32+.
        PeOptionalHeader h;
        if (is64)
        {
            h = new PeOptionalHeader(magic, o[2], o[3], Le.U32(o, 4), Le.U32(o, 8), Le.U32(o, 12), Le.U32(o, 16), Le.U32(o, 20), null,
                Le.U64(o, 24), Le.U32(o, 32), Le.U32(o, 36), Le.U16(o, 40), Le.U16(o, 42), Le.U16(o, 44), Le.U16(o, 46), Le.U16(o, 48), Le.U16(o, 50),
                Le.U32(o, 52), Le.U32(o, 56), Le.U32(o, 60), Le.U32(o, 64), Le.U16(o, 68), Le.U16(o, 70),
                Le.U64(o, 72), Le.U64(o, 80), Le.U64(o, 88), Le.U64(o, 96), Le.U32(o, 104), Le.U32(o, 108));
        }
        else
        {
            h = new PeOptionalHeader(magic, o[2], o[3], Le.U32(o, 4), Le.U32(o, 8), Le.U32(o, 12), Le.U32(o, 16), Le.U32(o, 20), Le.U32(o, 24),
                Le.U32(o, 28), Le.U32(o, 32), Le.U32(o, 36), Le.U16(o, 40), Le.U16(o, 42), Le.U16(o, 44), Le.U16(o, 46), Le.U16(o, 48), Le.U16(o, 50),
                Le.U32(o, 52), Le.U32(o, 56), Le.U32(o, 60), Le.U32(o, 64), Le.U16(o, 68), Le.U16(o, 70),
                Le.U32(o, 72), Le.U32(o, 76), Le.U32(o, 80), Le.U32(o, 84), Le.U32(o, 88), Le.U32(o, 92));
        }
        OptionalHeader = h;

        // Directories present: as many as NumberOfRvaAndSizes says, but never beyond 16 or the header's size.
        long present = Math.Min(Math.Min(h.NumberOfRvaAndSizes, PeDataDirectory.Count), (size - fixedSize) / 8);
        var dirs = new PeDataDirectory[PeDataDirectory.Count];
        for (int i = 0; i < dirs.Length; i++)
        {
            dirs[i] = i < present
                ? new PeDataDirectory(i, Le.U32(o, fixedSize + i * 8), Le.U32(o, fixedSize + i * 8 + 4))
                : new PeDataDirectory(i, 0, 0);
        }
        DataDirectories = dirs;
    }

    /// <summary>Header bytes at an offset from the start of the image (identical in file and memory layout).</summary>
    private ReadOnlySpan<byte> ReadHeaderBytes(uint offset, int length, string what)
    {
        if (_file != null) return _file.Span(offset, length, what);
        return ReadMemory(offset, length, what);
    }

    private byte[] ReadMemory(uint rva, int length, string what)
    {
        var buffer = new byte[length];
        int n = _memory!.Read(LoadedBase + rva, buffer, out var fault);
        if (n < length)
            throw new MemoryFaultException(fault ?? new MemoryFault(LoadedBase + rva + (ulong)n, MemoryFaultKind.NotInDump, $"{what} unreadable", _memory.Name));
        return buffer;
    }

    internal DumpFormatException Format(long offset, string problem) => new(Name, offset, problem);

    /// <summary>The section an RVA falls in (by virtual extent), or null (headers, gaps, past the image).</summary>
    public PeSectionHeader? SectionForRva(uint rva)
    {
        foreach (var s in Sections)
            if (s.ContainsRva(rva)) return s;
        return null;
    }

    /// <summary>
    /// The file offset holding the byte at an RVA, or null when no file byte backs it (zero-fill
    /// past a section's raw data, gaps, or beyond the headers).
    /// </summary>
    public long? RvaToFileOffset(uint rva)
    {
        var s = SectionForRva(rva);
        if (s == null)
            return rva < OptionalHeader.SizeOfHeaders ? rva : null;
        uint delta = rva - s.VirtualAddress;
        return delta < s.SizeOfRawData ? (long)s.PointerToRawData + delta : null;
    }

    /// <summary>
    /// The bytes at [rva, rva+length) as the loader would map them. File layout: from the
    /// section's raw data, with the zero-fill PE semantics give bytes past the raw data inside the
    /// virtual size. Memory layout: read from the address space; a hole throws a fault.
    /// </summary>
    public ReadOnlySpan<byte> ReadRva(uint rva, int length, string what)
    {
        if (length < 0) throw Format(rva, $"{what}: negative length");
        if (length == 0) return ReadOnlySpan<byte>.Empty;
        if (_memory != null) return ReadMemory(rva, length, what);

        var s = SectionForRva(rva);
        if (s == null)
        {
            if ((ulong)rva + (ulong)length <= OptionalHeader.SizeOfHeaders)
                return _file!.Span(rva, length, what);
            throw Format(rva, $"{what} at RVA 0x{rva:x} (0x{length:x} bytes) lies in no section");
        }
        uint delta = rva - s.VirtualAddress;
        if ((ulong)delta + (ulong)length > s.VirtualExtent)
            throw Format(rva, $"{what} at RVA 0x{rva:x} (0x{length:x} bytes) runs past the end of section {s.Name}");
        if ((ulong)delta + (ulong)length <= s.SizeOfRawData)
            return _file!.Span((long)s.PointerToRawData + delta, length, what);

        // Partly or wholly in the section's zero-filled tail: copy what the file holds.
        var buffer = new byte[length];
        if (delta < s.SizeOfRawData)
            _file!.Span((long)s.PointerToRawData + delta, (int)(s.SizeOfRawData - delta), what).CopyTo(buffer);
        return buffer;
    }

    /// <summary>A NUL-terminated ASCII string at an RVA (names in import/export tables), at most <paramref name="maxLength"/> chars.</summary>
    public string ReadAsciiZ(uint rva, int maxLength, string what)
    {
        if (_memory != null)
        {
            // Read page by page so a string just before a hole is still read.
            var sb = new System.Text.StringBuilder();
            ulong address = LoadedBase + rva;
            Span<byte> chunk = stackalloc byte[256];
            while (sb.Length < maxLength)
            {
                int want = (int)Math.Min((ulong)chunk.Length, 0x1000 - (address & 0xfff));
                want = Math.Min(want, maxLength - sb.Length + 1);
                int n = _memory.Read(address, chunk[..want], out var fault);
                int nul = chunk[..n].IndexOf((byte)0);
                if (nul >= 0) return sb.Append(System.Text.Encoding.ASCII.GetString(chunk[..nul])).ToString();
                sb.Append(System.Text.Encoding.ASCII.GetString(chunk[..n]));
                if (n < want) throw new MemoryFaultException(fault ?? new MemoryFault(address + (ulong)n, MemoryFaultKind.NotInDump, $"{what} unreadable", _memory.Name));
                address += (ulong)n;
            }
            throw Format(rva, $"{what} at RVA 0x{rva:x} is longer than {maxLength} characters");
        }

        var s = SectionForRva(rva);
        long available;
        long fileOffset;
        if (s == null)
        {
            if (rva >= OptionalHeader.SizeOfHeaders) throw Format(rva, $"{what} at RVA 0x{rva:x} lies in no section");
            fileOffset = rva;
            available = OptionalHeader.SizeOfHeaders - rva;
        }
        else
        {
            uint delta = rva - s.VirtualAddress;
            if (delta >= s.SizeOfRawData) return ""; // zero-fill: an empty string by PE semantics
            fileOffset = (long)s.PointerToRawData + delta;
            available = s.SizeOfRawData - delta;
        }
        long wanted = Math.Min(available, maxLength + 1L);
        var bytes = _file!.SpanClamped(fileOffset, wanted);
        int end = bytes.IndexOf((byte)0);
        if (end < 0 && bytes.Length < wanted)
            throw Format(fileOffset, $"{what} at RVA 0x{rva:x} runs past the end of the file");
        if (end < 0)
        {
            if (bytes.Length > maxLength) throw Format(fileOffset, $"{what} at RVA 0x{rva:x} is longer than {maxLength} characters");
            end = bytes.Length; // ends where the section's raw data ends: the zero-fill terminates it
        }
        return System.Text.Encoding.ASCII.GetString(bytes[..end]);
    }
}
