using System.Buffers.Binary;

namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// A real driver file a scenario loads: its bytes are mapped at <paramref name="Base"/> as the
/// kernel's loader would (headers, then each section at its RVA) and it joins PsLoadedModuleList.
/// <paramref name="Pdb"/>, when known, is the image's PDB: not in the dump, but what
/// `ntdbg-synth --drivers` writes beside the driver file for symbol-aware tools.
/// </summary>
public sealed record SyntheticDriverImage(string FileName, byte[] Bytes, ulong Base, byte[]? Pdb = null);

/// <summary>
/// Maps <see cref="KernelScenario.DriverImages"/> into the dump: the PE headers and every section
/// at Base + its VirtualAddress (raw data, the rest of the virtual size zero), base relocations
/// applied for the new base and the header's ImageBase set to it (what the loader leaves in
/// memory). Each image becomes a <see cref="SyntheticDriver"/> with the header's size, time stamp
/// and checksum, so the module list names it. Only x64 (PE32+) images are accepted: the scenario
/// is a 64-bit kernel.
/// </summary>
public static class DriverImageWriter
{
    private const int MaxSections = 96;

    public static void Write(KernelScenario s)
    {
        foreach (var image in s.DriverImages)
        {
            var pe = Parse(image);
            var mapped = new byte[pe.SizeOfImage];
            image.Bytes.AsSpan(0, (int)pe.SizeOfHeaders).CopyTo(mapped);
            foreach (var (rva, rawOffset, rawSize) in pe.Sections)
                image.Bytes.AsSpan((int)rawOffset, (int)rawSize).CopyTo(mapped.AsSpan((int)rva));
            Relocate(mapped, pe, image.Base);
            BinaryPrimitives.WriteUInt64LittleEndian(mapped.AsSpan(pe.OptionalHeader + 24), image.Base);
            s.Tables.EnsureMapped(image.Base, (int)((pe.SizeOfImage + 0xfff) / 0x1000));
            s.Tables.WriteVirtual(image.Base, mapped);
            if (!s.Drivers.Any(d => d.Base == image.Base))
                s.Drivers.Add(new SyntheticDriver(image.FileName, image.Base, pe.SizeOfImage, pe.TimeDateStamp, pe.CheckSum));
        }
    }

    private sealed record PeLayout(int OptionalHeader, ulong ImageBase, uint SizeOfImage, uint SizeOfHeaders, uint TimeDateStamp, uint CheckSum,
        uint RelocRva, uint RelocSize, List<(uint Rva, uint RawOffset, uint RawSize)> Sections);

    private static PeLayout Parse(SyntheticDriverImage image)
    {
        var b = image.Bytes;
        string Bad(string why) => throw new InvalidDataException($"{image.FileName}: {why}");
        if (b.Length < 0x40 || b[0] != 'M' || b[1] != 'Z') Bad("no MZ header");
        int nt = BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(0x3c));
        if (nt < 0 || nt + 24 + 0xf0 > b.Length || BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(nt)) != 0x4550) Bad("no PE header");
        int sections = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(nt + 6));
        uint timeDateStamp = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(nt + 8));
        int optionalSize = BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(nt + 20));
        int opt = nt + 24;
        if (BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(opt)) != 0x20b) Bad("not a PE32+ (x64) image");
        if (sections > MaxSections) Bad($"{sections} sections");
        uint sizeOfImage = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(opt + 56));
        uint sizeOfHeaders = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(opt + 60));
        if (sizeOfImage == 0 || sizeOfImage > 64u << 20 || sizeOfHeaders > sizeOfImage || sizeOfHeaders > b.Length) Bad("bad SizeOfImage/SizeOfHeaders");
        int directories = opt + 112;
        uint relocRva = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(directories + 5 * 8));
        uint relocSize = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(directories + 5 * 8 + 4));
        var list = new List<(uint, uint, uint)>();
        int table = opt + optionalSize;
        for (int i = 0; i < sections; i++)
        {
            int h = table + i * 40;
            if (h + 40 > b.Length) Bad("section table past the end of the file");
            uint virtualSize = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 8));
            uint rva = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 12));
            uint rawSize = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 16));
            uint rawOffset = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(h + 20));
            uint size = Math.Min(rawSize, virtualSize == 0 ? rawSize : virtualSize);
            if ((ulong)rva + size > sizeOfImage || (ulong)rawOffset + size > (ulong)b.Length) Bad($"section {i} lies outside the image or the file");
            list.Add((rva, rawOffset, size));
        }
        return new PeLayout(opt, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(opt + 24)), sizeOfImage, sizeOfHeaders, timeDateStamp,
            BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(opt + 64)), relocRva, relocSize, list);
    }

    /// <summary>Applies the IMAGE_REL_BASED_DIR64 fixups of the .reloc directory for the move to <paramref name="newBase"/>.</summary>
    private static void Relocate(byte[] mapped, PeLayout pe, ulong newBase)
    {
        ulong delta = newBase - pe.ImageBase;
        if (delta == 0 || pe.RelocSize == 0) return;
        if ((ulong)pe.RelocRva + pe.RelocSize > (ulong)mapped.Length) throw new InvalidDataException("the .reloc directory lies outside the image");
        int at = (int)pe.RelocRva, end = at + (int)pe.RelocSize;
        while (at + 8 <= end)
        {
            uint page = BinaryPrimitives.ReadUInt32LittleEndian(mapped.AsSpan(at));
            int blockSize = (int)BinaryPrimitives.ReadUInt32LittleEndian(mapped.AsSpan(at + 4));
            if (blockSize < 8 || at + blockSize > end) throw new InvalidDataException("a bad .reloc block");
            for (int i = at + 8; i + 2 <= at + blockSize; i += 2)
            {
                ushort entry = BinaryPrimitives.ReadUInt16LittleEndian(mapped.AsSpan(i));
                int type = entry >> 12;
                if (type == 0) continue; // IMAGE_REL_BASED_ABSOLUTE: padding
                if (type != 10) throw new InvalidDataException($"relocation type {type} (only DIR64 expected in an x64 image)");
                long target = page + (entry & 0xfff);
                if (target + 8 > mapped.Length) throw new InvalidDataException("a relocation outside the image");
                var slot = mapped.AsSpan((int)target);
                BinaryPrimitives.WriteUInt64LittleEndian(slot, BinaryPrimitives.ReadUInt64LittleEndian(slot) + delta);
            }
            at += blockSize;
        }
    }
}
