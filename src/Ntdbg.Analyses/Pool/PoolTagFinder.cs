using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Analyses.Pool;

/// <summary>
/// Finds which image files use a pool tag: as an instruction immediate in executable sections
/// (decoded with Iced, one reused <see cref="Iced.Intel.Instruction"/>) and as bytes in the other
/// sections. An immediate followed within <see cref="CallWindow"/> instructions by a call through
/// an IAT slot is tied to that import, so `mov r8d,6B61654Ch; call [__imp_ExAllocatePoolWithTag]`
/// reads as an allocation with the tag. <see cref="PoolTagDumpFinder"/> does the same over the
/// module images in a dump.
/// </summary>
public static class PoolTagFinder
{
    public const int CallWindow = 6;

    public static readonly IReadOnlySet<string> AllocationRoutines = new HashSet<string>(StringComparer.Ordinal)
    {
        "ExAllocatePoolWithTag", "ExAllocatePool2", "ExAllocatePool3", "ExAllocatePoolWithQuotaTag",
        "ExAllocatePoolWithTagPriority", "ExAllocatePoolZero",
    };

    public static readonly IReadOnlySet<string> PoolRoutines = new HashSet<string>(AllocationRoutines.Concat(["ExFreePoolWithTag", "ExFreePool2"]), StringComparer.Ordinal);

    private static readonly string[] ImageExtensions = [".sys", ".dll", ".exe"];

    /// <summary>Every .sys/.dll/.exe under the folder (recursively); files are scanned in parallel, results kept in path order.</summary>
    public static PoolTagResult FindInDirectory(string directory, PoolTagPattern tag)
    {
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal).ToList();
        var pdbs = Directory.EnumerateFiles(directory, "*.pdb", SearchOption.AllDirectories).ToList();
        var perFile = new (List<PoolTagCodeHit> Code, List<PoolTagStringHit> Strings, PoolTagModuleError? Error)[files.Count];
        Parallel.For(0, files.Count, i =>
        {
            var code = new List<PoolTagCodeHit>();
            var strings = new List<PoolTagStringHit>();
            PoolTagModuleError? error = null;
            try { FindInFile(files[i], tag, PdbFor(files[i], pdbs), code, strings); }
            catch (DumpFormatException e) { error = new PoolTagModuleError(files[i], e.Message); }
            catch (IOException e) { error = new PoolTagModuleError(files[i], e.Message); }
            catch (UnauthorizedAccessException e) { error = new PoolTagModuleError(files[i], e.Message); }
            perFile[i] = (code, strings, error);
        });
        return new PoolTagResult(tag.Text, tag.Value, files.Count,
            [.. perFile.SelectMany(f => f.Code)], [.. perFile.SelectMany(f => f.Strings)], [],
            [.. perFile.Where(f => f.Error != null).Select(f => f.Error!)]);
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
        using var image = new PoolFileImage(PeImage.FromFile(file), Path.GetFileName(path), pdbPath);
        PoolImageScanner.Scan(image, tag, hits, strings, []);
    }
}
