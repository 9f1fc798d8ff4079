using Ntdbg.Formats.Pe;

namespace Ntdbg.Analyses.Pool;

/// <summary>Receives one readable stretch of a section: its RVA and bytes.</summary>
internal delegate void SectionRunVisitor(uint rva, ReadOnlySpan<byte> bytes);

/// <summary>
/// One image as <see cref="PoolImageScanner"/> sees it, wherever its bytes come from: the PE
/// headers, the base its code is decoded at, the readable stretches of each section, the IAT
/// slots' import names and the function namer (both built only when a section holds the tag).
/// </summary>
internal abstract class PoolScanImage(PeImage image, string module, PoolTagSource source, ulong codeBase)
{
    public PeImage Image { get; } = image;
    public string Module { get; } = module;
    public PoolTagSource Source { get; } = source;
    /// <summary>The address RVA 0 is decoded at: the loaded base in a dump, the preferred ImageBase for a file.</summary>
    public ulong CodeBase { get; } = codeBase;

    /// <summary>Visits the section's readable bytes; what cannot be read goes to <paramref name="missing"/>.</summary>
    public abstract void ReadSection(PeSectionHeader section, SectionRunVisitor visit, List<PoolTagMissingRange> missing);

    /// <summary>IAT slot RVA → imported function name.</summary>
    public abstract Dictionary<uint, string> Imports();

    public abstract PoolFunctionNamer Namer();
}
