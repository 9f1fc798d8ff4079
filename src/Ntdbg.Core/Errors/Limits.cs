namespace Ntdbg.Core.Errors;

/// <summary>
/// Caps applied to counts and sizes read from files, collected in one place so hostile input
/// fails with a named limit instead of a huge allocation or an endless walk.
/// </summary>
public static class Limits
{
    public const int MaxStreams = 4096;
    public const int MaxThreads = 65536;
    public const int MaxModules = 65536;
    public const int MaxMemoryRanges = 4_000_000;
    public const int MaxHandles = 1_000_000;
    public const int MaxStringChars = 32768;
    public const int MaxSections = 96;
    public const int MaxImportDescriptors = 4096;
    public const int MaxImportsPerDll = 65536;
    public const int MaxExports = 1_000_000;
    public const int MaxPhysicalRuns = 1_000_000;
    public const int MaxListEntries = 1_000_000;
    public const int MaxDataBlocks = 1_000_000;
    public const int MaxRuntimeFunctions = 4_000_000;
    /// <summary>Largest single read a display command will do (WinDbg's own range limit is 256 MiB).</summary>
    public const long MaxDisplayBytes = 256L * 1024 * 1024;
    /// <summary>
    /// Most bytes one display command reads and holds (L? lifts the range check, not this):
    /// larger ranges belong in .writemem, which streams.
    /// </summary>
    public const long MaxDisplayOutputBytes = 16L * 1024 * 1024;

    public static int CheckCount(long count, int max, string what, string file, long offset)
    {
        if (count < 0 || count > max)
            throw new DumpFormatException(file, offset, $"{what} count {count} exceeds the limit of {max}");
        return (int)count;
    }
}
