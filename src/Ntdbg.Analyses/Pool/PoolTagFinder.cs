using System.Buffers.Binary;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Pdb;

namespace Ntdbg.Analyses.Pool;

/// <summary>
/// Finds which images use a pool tag: as an instruction immediate in executable sections (decoded
/// linearly with Iced, one reused <see cref="Instruction"/>) and as bytes in the other sections.
/// An immediate followed within <see cref="CallWindow"/> instructions by a call through an IAT slot
/// is tied to that import, so `mov r8d,6B61654Ch; call [__imp_ExAllocatePoolWithTag]` reads as an
/// allocation with the tag.
/// </summary>
public static class PoolTagFinder
{
    public const int CallWindow = 6;
    private const uint ExecutableSection = 0x2000_0000;

    public static readonly IReadOnlySet<string> PoolRoutines = new HashSet<string>(StringComparer.Ordinal)
    {
        "ExAllocatePoolWithTag", "ExAllocatePool2", "ExAllocatePool3", "ExAllocatePoolWithQuotaTag",
        "ExAllocatePoolWithTagPriority", "ExAllocatePoolZero", "ExFreePoolWithTag", "ExFreePool2",
    };

    private static readonly string[] ImageExtensions = [".sys", ".dll", ".exe"];

    public static PoolTagResult FindInDirectory(string directory, PoolTagPattern tag)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToList();
        var pdbs = Directory.EnumerateFiles(directory, "*.pdb", SearchOption.AllDirectories).ToList();
        var code = new List<PoolTagCodeHit>();
        var strings = new List<PoolTagStringHit>();
        var errors = new List<PoolTagModuleError>();
        foreach (var file in files)
        {
            try
            {
                FindInFile(file, tag, PdbFor(file, pdbs), code, strings);
            }
            catch (DumpFormatException e) { errors.Add(new PoolTagModuleError(file, e.Message)); }
            catch (IOException e) { errors.Add(new PoolTagModuleError(file, e.Message)); }
        }
        return new PoolTagResult(tag.Text, tag.Value, files.Count, code, strings, errors);
    }

    /// <summary>A PDB named like the image beside it, or anywhere under the scanned folder (symbol-store layout).</summary>
    private static string? PdbFor(string image, List<string> pdbs)
    {
        string beside = Path.ChangeExtension(image, ".pdb");
        if (File.Exists(beside)) return beside;
        string name = Path.GetFileNameWithoutExtension(image) + ".pdb";
        return pdbs.FirstOrDefault(p => string.Equals(Path.GetFileName(p), name, StringComparison.OrdinalIgnoreCase));
    }

    public static void FindInFile(string path, PoolTagPattern tag, string? pdbPath, List<PoolTagCodeHit> hits, List<PoolTagStringHit> strings)
    {
        using var file = MappedFile.Open(path);
        var image = PeImage.FromFile(file);
        string module = Path.GetFileName(path);
        PdbSymbolSource? pdb = null;
        PoolFunctionNamer? namer = null;
        // The PDB and .pdata are read only for images whose code holds the tag's bytes.
        PoolFunctionNamer Namer()
        {
            if (namer != null) return namer;
            if (pdbPath != null)
            {
                try { pdb = PdbSymbolSource.Open(pdbPath); }
                catch (DumpFormatException) { pdb = null; }
            }
            return namer = new PoolFunctionNamer(image, pdb);
        }
        try
        {
            Dictionary<uint, string>? imports = null;
            foreach (var section in image.Sections)
            {
                uint length = Math.Min(section.VirtualExtent, section.SizeOfRawData);
                if (length < 4) continue;
                var bytes = image.ReadRva(section.VirtualAddress, (int)length, $"section {section.Name}");
                if ((section.Characteristics & ExecutableSection) == 0)
                {
                    ScanData(module, section, bytes, tag, strings);
                    continue;
                }
                var occurrences = Occurrences(bytes, tag);
                if (occurrences.Count == 0) continue;
                imports ??= ImportsByIatRva(image);
                var code = new PoolCodeScan(image, module, section, bytes.ToArray(), tag, imports, Namer(), hits);
                code.Run(occurrences);
            }
        }
        finally { pdb?.Dispose(); }
    }

    /// <summary>Section offsets where the tag's four bytes lie (an immediate can only be one of these).</summary>
    private static List<int> Occurrences(ReadOnlySpan<byte> bytes, PoolTagPattern tag)
    {
        var found = new List<int>();
        if (tag.Mask == uint.MaxValue)
        {
            Span<byte> needle = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(needle, tag.Value);
            for (int at = 0; ;)
            {
                int i = bytes[at..].IndexOf(needle);
                if (i < 0) break;
                found.Add(at + i);
                at += i + 1;
            }
            return found;
        }
        for (int i = 0; i + 4 <= bytes.Length; i++)
            if (tag.Matches(BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]))) found.Add(i);
        return found;
    }

    private static Dictionary<uint, string> ImportsByIatRva(PeImage image)
    {
        var map = new Dictionary<uint, string>();
        foreach (var m in image.ReadImports())
            foreach (var f in m.Functions)
                map.TryAdd(f.IatRva, f.Name ?? $"{m.DllName}!#{f.Ordinal}");
        return map;
    }

    private static void ScanData(string module, PeSectionHeader section, ReadOnlySpan<byte> bytes, PoolTagPattern tag, List<PoolTagStringHit> hits)
    {
        foreach (int i in Occurrences(bytes, tag))
            hits.Add(new PoolTagStringHit(module, section.Name, section.VirtualAddress + (uint)i,
                PoolTagPattern.Spell(BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]))));
    }
}
