using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Loading;

namespace Ntdbg.Analyses.Pool;

/// <summary>
/// <see cref="PoolTagFinder"/> over the loaded modules of a dump: each module's image is read
/// from the target's memory at its base (headers, then sections by RVA), so the hits carry the
/// addresses the dump shows. Functions are named by the module's symbols when the symbol path
/// finds them, else by .pdata and exports; IAT slots by the import tables or the bound addresses.
/// Pages the dump lacks are listed as missing; a module whose header is absent is an error entry.
/// </summary>
public static class PoolTagDumpFinder
{
    // The largest real kernel images are tens of MB; a corrupt module size must not drive a huge buffer.
    private const ulong MaxModuleSize = 256UL << 20;

    /// <param name="include">Which modules to scan (by the loader's record); null scans all.</param>
    public static PoolTagResult Find(IVirtualMemory memory, SymbolManager symbols, PoolTagPattern tag, Func<ModuleSymbols, bool>? include = null)
    {
        var code = new List<PoolTagCodeHit>();
        var strings = new List<PoolTagStringHit>();
        var missing = new List<PoolTagMissingRange>();
        var errors = new List<PoolTagModuleError>();
        int scanned = 0;
        foreach (var module in symbols.Modules)
        {
            if (include != null && !include(module)) continue;
            var info = module.Module;
            if (info.Size == 0 || info.Size > MaxModuleSize)
            {
                errors.Add(new PoolTagModuleError(info.FileName, $"module size 0x{info.Size:x} at {Hex.Address(info.Base)} is not plausible: not scanned"));
                continue;
            }
            scanned++;
            try
            {
                var image = PeImage.FromMemory(memory, info.Base, info.FileName);
                var view = new PoolDumpImage(image, info.FileName, info.Base, info.Size, memory, FunctionAt, () => symbols.EnsureLoaded(module));
                PoolImageScanner.Scan(view, tag, code, strings, missing);
            }
            catch (MemoryFaultException e) { errors.Add(new PoolTagModuleError(info.FileName, $"image header not in the dump ({e.Fault})")); }
            catch (DumpFormatException e) { errors.Add(new PoolTagModuleError(info.FileName, $"image unreadable: {e.Problem}")); }
        }
        return new PoolTagResult(tag.Text, tag.Value, scanned, code, strings, missing, errors);

        // The function an IAT slot was bound to: a symbol starting exactly there.
        string? FunctionAt(ulong address) =>
            symbols.LookupAddress(address) is { Symbol: { } s, Displacement: 0 } ? s.Name : null;
    }
}
