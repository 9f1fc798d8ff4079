namespace Ntdbg.Symbols.Isf;

/// <summary>Caps on what an ISF file may hold, so a hostile table fails fast with a named limit.</summary>
public static class IsfLimits
{
    /// <summary>Largest decompressed JSON (real Windows kernel tables are under 10 MB; Linux ones reach ~100 MB).</summary>
    public const long MaxJsonBytes = 256L * 1024 * 1024;
    /// <summary>JSON nesting allowed by the reader (real tables nest at most about 10 deep).</summary>
    public const int MaxJsonDepth = 64;
    /// <summary>Nesting of one type descriptor (pointer to array of pointer ...; real tables reach 5).</summary>
    public const int MaxTypeDepth = 32;
    public const int MaxSymbols = 4_000_000;
    public const int MaxTypes = 1_000_000;
    public const int MaxFieldsPerType = 65_536;
    public const int MaxEnumConstants = 65_536;
    /// <summary>Largest array element count and type size accepted (2^40: far beyond any real type).</summary>
    public const long MaxArrayCount = 1L << 40;
    public const long MaxTypeSize = 1L << 40;
}
