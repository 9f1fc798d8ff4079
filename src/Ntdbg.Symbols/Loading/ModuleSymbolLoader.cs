using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Formats.Breakpad;
using Ntdbg.Symbols.Breakpad;
using Ntdbg.Symbols.Exports;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Locators;
using Ntdbg.Symbols.Model;
using Ntdbg.Symbols.Pdb;
using Ntdbg.Targets;
using Ntdbg.Targets.Image;
using Ntdbg.Targets.Model;

namespace Ntdbg.Symbols.Loading;

/// <summary>
/// Finds a module's symbols through the symbol path, in the debugger's order of preference:
/// the PDB named by the module's CodeView key (from the dump's module record, the image header
/// in memory, or the image file found in the store by TimeDateStamp+SizeOfImage); else a
/// Volatility ISF table for that PDB (by GUID/age, or for the kernel by the addresses the dump
/// header records); else a breakpad .sym file for that PDB; else the export table. Every step leaves a line in the log; nothing a bad
/// file contains escapes as an exception.
/// </summary>
public sealed class ModuleSymbolLoader(ITarget target, SymbolLocatorService locator) : IModuleSymbolLoader
{
    private static readonly string[] KernelPdbNames = ["ntkrnlmp.pdb", "ntoskrnl.pdb", "ntkrnlpa.pdb", "ntkrpamp.pdb"];

    public ITarget Target { get; } = target;
    public SymbolLocatorService Locator { get; } = locator;

    public ModuleSymbolLoad Load(ModuleInfo module, Action<string>? noisy)
    {
        var log = new List<string>();
        void Note(string line)
        {
            log.Add(line);
            noisy?.Invoke(line);
        }

        var memoryImage = ImageInMemory(module, Note);
        var codeView = module.CodeView ?? CodeViewOf(memoryImage, "the image in the dump", Note);
        string? imagePath = FindImage(module, Note, out string? imageMiss);
        if (codeView == null && imagePath != null) codeView = CodeViewOfFile(imagePath, Note);

        ISymbolSource? source = null;
        string? pdbMiss = null;
        if (codeView is { Signature: "RSDS" })
            source = FindPdb(codeView, Note, out pdbMiss) ?? FindIsfByKey(codeView, Note) ?? FindBreakpad(codeView, Note);
        else if (codeView != null)
            Note($"{module.Name}: {codeView.Signature} CodeView record ({codeView.PdbPath}): only RSDS PDBs are looked up");
        else
            Note($"{module.Name}: no CodeView record in the dump, the image header or a stored image");

        if (source == null && IsKernel(module)) source = FindKernelIsfByAnchors(Note);
        source ??= Exports(module, memoryImage, imagePath, Note);

        if (source != null)
        {
            Note($"{module.Name}: loaded {Describe(source)} {source.FilePath}");
            return new ModuleSymbolLoad(source, imagePath, codeView, log, null);
        }
        string error = codeView is { Signature: "RSDS" }
            ? $"{PdbName(codeView)} ({codeView.SymbolKey}) : {pdbMiss ?? "no symbol path element has it"}; the export table is unreadable too"
            : "no PDB key (CodeView record) and no readable export table" + (imageMiss != null ? $"; image: {imageMiss}" : "");
        Note($"{module.Name}: no symbols: {error}");
        return new ModuleSymbolLoad(null, imagePath, codeView, log, error);
    }

    public static string Describe(ISymbolSource source) => source.Kind switch
    {
        SymbolSourceKind.PrivatePdb => "private pdb symbols",
        SymbolSourceKind.PublicPdb => "pdb symbols",
        SymbolSourceKind.Isf => "isf symbols",
        SymbolSourceKind.Breakpad => "breakpad symbols",
        SymbolSourceKind.Exports => "export symbols",
        _ => $"{source.Kind.ToString().ToLowerInvariant()} symbols",
    };

    private bool IsKernel(ModuleInfo module) =>
        Target is IKernelTarget k && (module.Base == k.KernelBase || module.Name == "nt");

    private PeImage? ImageInMemory(ModuleInfo module, Action<string> note)
    {
        try
        {
            return PeImage.FromMemory(Target.Memory, module.Base, module.Name);
        }
        catch (MemoryFaultException e)
        {
            note($"{module.Name}: image header not in the dump ({e.Fault})");
        }
        catch (DumpFormatException e)
        {
            note($"{module.Name}: image header unreadable: {e.Problem}");
        }
        return null;
    }

    private static CodeViewInfo? CodeViewOf(PeImage? image, string where, Action<string> note)
    {
        if (image == null) return null;
        try
        {
            return image.ReadCodeView().ToCodeViewInfo();
        }
        catch (MemoryFaultException e)
        {
            note($"{image.Name}: CodeView record of {where} is missing ({e.Fault})");
        }
        catch (DumpFormatException e)
        {
            note($"{image.Name}: CodeView record of {where} is unreadable: {e.Problem}");
        }
        return null;
    }

    private static CodeViewInfo? CodeViewOfFile(string path, Action<string> note)
    {
        try
        {
            using var file = MappedFile.Open(path);
            return CodeViewOf(PeImage.FromFile(file), path, note);
        }
        catch (Exception e) when (e is DumpFormatException or IOException or UnauthorizedAccessException)
        {
            note($"{path}: not a usable image: {e.Message}");
            return null;
        }
    }

    private string? FindImage(ModuleInfo module, Action<string> note, out string? miss)
    {
        miss = null;
        if (module.TimeDateStamp == 0 || module.Size == 0 || module.Size > uint.MaxValue) return null;
        if (!TryKey(() => SymbolKey.ForImage(module.FileName, module.TimeDateStamp, (uint)module.Size), module.FileName, note, out var key)) return null;
        var result = Locator.Find(key, note);
        if (result.Found) note($"{module.Name}: image {key} found at {result.Path}");
        else miss = $"{key}: {result.Message}";
        return result.Found ? result.Path : null;
    }

    // Names come from the dump; one a store cannot hold ("a;b.pdb", "..") is reported, not thrown.
    private static bool TryKey(Func<SymbolKey> make, string name, Action<string> note, out SymbolKey key)
    {
        try
        {
            key = make();
            return true;
        }
        catch (ArgumentException e)
        {
            note($"'{name}' cannot be looked up in a symbol store: {e.Message}");
            key = null!;
            return false;
        }
    }

    private static string PdbName(CodeViewInfo cv)
    {
        string path = cv.PdbPath.Replace('\\', '/');
        int slash = path.LastIndexOf('/');
        return slash >= 0 ? path[(slash + 1)..] : path;
    }

    private ISymbolSource? FindPdb(CodeViewInfo cv, Action<string> note, out string? miss)
    {
        miss = null;
        string name = PdbName(cv);
        if (!TryKey(() => SymbolKey.ForPdb(name, cv.Guid, cv.Age), name, note, out var key)) return null;
        var result = Locator.Find(key, note);
        if (!result.Found)
        {
            note($"{name}: {result.Message}");
            miss = result.Message;
            return null;
        }
        PdbSymbolSource? pdb = null;
        try
        {
            pdb = PdbSymbolSource.Open(result.Path!);
            // The store path says which key it was filed under; the file itself must agree.
            if (pdb.Pdb.Info.Guid != cv.Guid || pdb.Pdb.Dbi.Age != cv.Age)
            {
                miss = $"{result.Path} has GUID/age {pdb.Pdb.Info.Guid:N}/{pdb.Pdb.Dbi.Age}, not {cv.Guid:N}/{cv.Age}";
                note($"{result.Path}: GUID/age {pdb.Pdb.Info.Guid:N}/{pdb.Pdb.Dbi.Age} do not match the image's {cv.Guid:N}/{cv.Age}; ignored");
                pdb.Dispose();
                return null;
            }
            return pdb;
        }
        catch (Exception e) when (e is DumpFormatException or IOException or UnauthorizedAccessException)
        {
            pdb?.Dispose();
            miss = $"{result.Path} is unusable: {e.Message}";
            note($"{result.Path}: unusable PDB: {e.Message}");
            return null;
        }
    }

    private IEnumerable<string> LocalFolders() => Locator.Path.LocalFolders();

    private ISymbolSource? FindIsfByKey(CodeViewInfo cv, Action<string> note)
    {
        string name = PdbName(cv);
        foreach (var folder in LocalFolders().Where(Directory.Exists))
        {
            try
            {
                var match = IsfLocator.Find(folder, name, cv.Guid, cv.Age);
                foreach (var r in match.Rejected) note($"{folder}: {r}");
                if (match.Found) return new IsfSymbolSource(match.Table!);
            }
            catch (Exception e) when (e is DumpFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                note($"{folder}: ISF table for {name} unusable: {e.Message}");
            }
        }
        return null;
    }

    private ISymbolSource? FindBreakpad(CodeViewInfo cv, Action<string> note)
    {
        string name = PdbName(cv);
        foreach (var folder in LocalFolders().Where(Directory.Exists))
        {
            string? path = BreakpadLocator.Find(folder, name, cv.SymbolKey);
            if (path == null) continue;
            try
            {
                var file = BreakpadSymbolFile.Load(path);
                // The folder names the key; the MODULE line must agree, as a PDB's own GUID must.
                if (!string.Equals(file.Module.Id, cv.SymbolKey, StringComparison.OrdinalIgnoreCase))
                {
                    note($"{path}: MODULE id {file.Module.Id} does not match the image's {cv.SymbolKey}; ignored");
                    continue;
                }
                return new BreakpadSymbolSource(file);
            }
            catch (Exception e) when (e is DumpFormatException or IOException or UnauthorizedAccessException)
            {
                note($"{path}: unusable breakpad symbols: {e.Message}");
            }
        }
        return null;
    }

    private ISymbolSource? FindKernelIsfByAnchors(Action<string> note)
    {
        if (Target is not IKernelTarget k || k.KernelBase == 0) return null;
        var anchors = new Dictionary<string, uint>();
        void Anchor(string name, ulong address)
        {
            if (address > k.KernelBase && address - k.KernelBase < uint.MaxValue) anchors[name] = (uint)(address - k.KernelBase);
        }
        Anchor("PsLoadedModuleList", k.PsLoadedModuleList);
        Anchor("PsActiveProcessHead", k.PsActiveProcessHead);
        Anchor("KdDebuggerDataBlock", k.KdDebuggerDataBlock);
        if (anchors.Count == 0) return null;
        foreach (var folder in LocalFolders().Where(Directory.Exists))
            foreach (var pdbName in KernelPdbNames)
            {
                try
                {
                    if (IsfLocator.PdbFolders(folder, pdbName).Count == 0) continue;
                    var match = IsfLocator.FindByAnchors(folder, pdbName, anchors);
                    if (match.Found)
                    {
                        note($"nt: ISF table {match.Table!.Path} agrees with the dump's {string.Join(", ", anchors.Keys)}");
                        return new IsfSymbolSource(match.Table);
                    }
                    note($"nt: no ISF table under {folder} for {pdbName} agrees with the dump's anchors ({match.Rejected.Count} rejected)");
                }
                catch (Exception e) when (e is DumpFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    note($"{folder}: ISF tables for {pdbName} unusable: {e.Message}");
                }
            }
        return null;
    }

    private static ISymbolSource? Exports(ModuleInfo module, PeImage? memoryImage, string? imagePath, Action<string> note)
    {
        if (memoryImage != null)
        {
            try
            {
                if (memoryImage.ReadExports() is { Exports.Count: > 0 } e) return new ExportSymbolSource(e, module.ImagePath);
            }
            catch (MemoryFaultException ex)
            {
                note($"{module.Name}: export table not in the dump ({ex.Fault})");
            }
            catch (DumpFormatException ex)
            {
                note($"{module.Name}: export table unreadable: {ex.Problem}");
            }
        }
        if (imagePath == null) return null;
        try
        {
            using var file = MappedFile.Open(imagePath);
            if (PeImage.FromFile(file).ReadExports() is { Exports.Count: > 0 } e) return new ExportSymbolSource(e, imagePath);
        }
        catch (Exception ex) when (ex is DumpFormatException or IOException or UnauthorizedAccessException or MemoryFaultException)
        {
            note($"{imagePath}: export table unreadable: {ex.Message}");
        }
        return null;
    }
}
