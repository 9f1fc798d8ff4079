using Iced.Intel;
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

    public static void FindInFile(string path, PoolTagPattern tag, string? pdbPath, List<PoolTagCodeHit> code, List<PoolTagStringHit> strings)
    {
        using var file = MappedFile.Open(path);
        var image = PeImage.FromFile(file);
        string module = Path.GetFileName(path);
        PdbSymbolSource? pdb = null;
        try
        {
            if (pdbPath != null)
            {
                try { pdb = PdbSymbolSource.Open(pdbPath); }
                catch (DumpFormatException) { pdb = null; }
            }
            PoolFunctionNamer? namer = null;
            var imports = ImportsByIatRva(image);
            foreach (var section in image.Sections)
            {
                uint length = Math.Min(section.VirtualExtent, section.SizeOfRawData);
                if (length < 4) continue;
                var bytes = image.ReadRva(section.VirtualAddress, (int)length, $"section {section.Name}");
                if ((section.Characteristics & ExecutableSection) != 0)
                {
                    namer ??= new PoolFunctionNamer(image, pdb);
                    ScanCode(image, module, section, bytes.ToArray(), tag, imports, namer, code);
                }
                else ScanData(module, section, bytes, tag, strings);
            }
        }
        finally { pdb?.Dispose(); }
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
        for (int i = 0; i + 4 <= bytes.Length; i++)
        {
            uint v = Le.U32(bytes, i);
            if (tag.Matches(v)) hits.Add(new PoolTagStringHit(module, section.Name, section.VirtualAddress + (uint)i, PoolTagPattern.Spell(v)));
        }
    }

    private static void ScanCode(PeImage image, string module, PeSectionHeader section, byte[] bytes, PoolTagPattern tag,
        Dictionary<uint, string> imports, PoolFunctionNamer namer, List<PoolTagCodeHit> hits)
    {
        ulong imageBase = image.OptionalHeader.ImageBase;
        ulong start = imageBase + section.VirtualAddress;
        var decoder = Decoder.Create(image.Is64 ? 64 : 32, new ByteArrayCodeReader(bytes), start, DecoderOptions.None);
        ulong end = start + (ulong)bytes.Length;
        var formatter = PoolInstructionText.CreateFormatter();
        // Hits still waiting for a call: index into hits and instructions left in the window.
        var pending = new List<(int Hit, int Left)>();
        Instruction instruction = default;
        while (decoder.IP < end)
        {
            decoder.Decode(out instruction);
            if (instruction.IsInvalid) { pending.Clear(); continue; }
            if (pending.Count > 0) pending = Advance(pending, ref instruction, imageBase, image.Is64, imports, hits);
            if (HasMatchingImmediate(ref instruction, tag, out uint value))
            {
                uint rva = (uint)(instruction.IP - imageBase);
                var (name, functionStart) = namer.Name(rva);
                hits.Add(new PoolTagCodeHit(module, name, functionStart, rva, PoolTagPattern.Spell(value),
                    PoolInstructionText.Format(formatter, ref instruction), null, null, false));
                pending.Add((hits.Count - 1, CallWindow));
            }
        }
    }

    private static List<(int Hit, int Left)> Advance(List<(int Hit, int Left)> pending, ref Instruction instruction, ulong imageBase, bool is64,
        Dictionary<uint, string> imports, List<PoolTagCodeHit> hits)
    {
        var flow = instruction.FlowControl;
        if (flow == FlowControl.Call || flow == FlowControl.IndirectCall)
        {
            string? target = ImportCalled(ref instruction, imageBase, is64, imports);
            uint callRva = (uint)(instruction.IP - imageBase);
            foreach (var (hit, _) in pending)
                hits[hit] = hits[hit] with { CallTarget = target, CallRva = callRva, IsPoolCall = target != null && PoolRoutines.Contains(target) };
            pending.Clear();
            return pending;
        }
        // A return or jump leaves the sequence: the immediate is not an argument of a later call.
        if (flow is FlowControl.Return or FlowControl.UnconditionalBranch or FlowControl.IndirectBranch)
        {
            pending.Clear();
            return pending;
        }
        for (int i = pending.Count - 1; i >= 0; i--)
        {
            var (hit, left) = pending[i];
            if (left <= 1) pending.RemoveAt(i);
            else pending[i] = (hit, left - 1);
        }
        return pending;
    }

    /// <summary>`call qword ptr [rip+x]` (x64) or `call dword ptr [abs]` (x86) through an IAT slot.</summary>
    private static string? ImportCalled(ref Instruction instruction, ulong imageBase, bool is64, Dictionary<uint, string> imports)
    {
        if (instruction.OpCount != 1 || instruction.Op0Kind != OpKind.Memory) return null;
        ulong slot;
        if (instruction.IsIPRelativeMemoryOperand) slot = instruction.IPRelativeMemoryAddress;
        else if (!is64 && instruction.MemoryBase == Register.None && instruction.MemoryIndex == Register.None) slot = instruction.MemoryDisplacement32;
        else return null;
        if (slot < imageBase || slot - imageBase > uint.MaxValue) return null;
        return imports.TryGetValue((uint)(slot - imageBase), out var name) ? name : null;
    }

    private static bool HasMatchingImmediate(ref Instruction instruction, PoolTagPattern tag, out uint value)
    {
        int count = instruction.OpCount;
        for (int i = 0; i < count; i++)
        {
            var kind = instruction.GetOpKind(i);
            if (kind is OpKind.Immediate32 or OpKind.Immediate32to64)
            {
                value = instruction.Immediate32;
                if (tag.Matches(value)) return true;
            }
        }
        value = 0;
        return false;
    }
}
