using Ntdbg.Core.Errors;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Analyses.Pool;

/// <summary>IAT slot RVA → imported function name, the way a `call [slot]` is tied to its import.</summary>
internal static class PoolImports
{
    /// <summary>From the import directory's lookup tables (a file, or a mapped image whose INIT pages the dump still holds).</summary>
    public static Dictionary<uint, string> FromDirectory(PeImage image)
    {
        var map = new Dictionary<uint, string>();
        foreach (var m in image.ReadImports())
            foreach (var f in m.Functions)
                map.TryAdd(f.IatRva, f.Name ?? $"{m.DllName}!#{f.Ordinal}");
        return map;
    }

    /// <summary>The same, or an empty map with the reason when the directory is not readable (a dump whose INIT section was freed).</summary>
    public static Dictionary<uint, string> TryFromDirectory(PeImage image, out string? problem)
    {
        problem = null;
        try { return FromDirectory(image); }
        catch (MemoryFaultException e) { problem = $"import directory not in the dump ({e.Fault})"; }
        catch (DumpFormatException e) { problem = $"import directory unreadable: {e.Problem}"; }
        return [];
    }
}
