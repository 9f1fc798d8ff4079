namespace Ntdbg.Formats.Pe;

/// <summary>Counts from the base relocation directory: blocks (pages) and entries, padding included.</summary>
public sealed record PeRelocationSummary(int Blocks, int Entries, int AbsoluteEntries)
{
    /// <summary>Entries that actually patch something (IMAGE_REL_BASED_ABSOLUTE is padding).</summary>
    public int EffectiveEntries => Entries - AbsoluteEntries;
}
