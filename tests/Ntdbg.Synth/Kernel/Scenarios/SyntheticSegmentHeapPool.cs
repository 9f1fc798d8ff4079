namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>What to spoil in the segment-heap pool, for the tests that check a walker reports damage instead of crashing.</summary>
[Flags]
public enum SegmentHeapDamage
{
    None = 0,
    /// <summary>nt!RtlpHpHeapGlobals.HeapKey differs from the key the segments and VS headers were encoded with.</summary>
    WrongHeapKey = 1,
    /// <summary>nt!RtlpHpHeapGlobals.LfhKey differs from the key LFH BlockOffsets were encoded with.</summary>
    WrongLfhKey = 2,
    /// <summary>One VS chunk header in the middle of the nonpaged VS subsegment is overwritten.</summary>
    CorruptVsChunk = 4,
    /// <summary>The second page of the nonpaged VS subsegment is left out of the dump.</summary>
    MissingVsPage = 8,
}

/// <summary>One pool chunk the writer laid out: where its POOL_HEADER is, its size from there, its tag (empty for a free VS chunk), and which subsegment kind holds it.</summary>
public sealed record SyntheticPoolChunk(ulong Address, ulong Size, string Tag, bool Allocated, bool Paged, bool Lfh);

/// <summary>
/// The 19H1+ segment-heap pool of a scenario: the keys nt!RtlpHpHeapGlobals holds and the chunks
/// <see cref="SegmentHeapPoolWriter"/> wrote (filled by <see cref="KernelScenario.Write"/> on builds
/// whose kernel allocates pool from the segment heap; empty on the others).
/// </summary>
public sealed class SyntheticSegmentHeapPool
{
    public bool Enabled { get; set; } = true;
    public SegmentHeapDamage Damage { get; set; }

    /// <summary>The keys the structures are encoded with (random, non-zero; set by the writer unless given).</summary>
    public ulong HeapKey { get; set; }
    public ulong LfhKey { get; set; }

    /// <summary>After Write: every chunk written, heap by heap, in address order.</summary>
    public List<SyntheticPoolChunk> Chunks { get; } = [];

    /// <summary>After Write: a page of the nonpaged-NX heap's VS subsegment, its LFH subsegment's page, the paged heap's VS page, and a page of a big (user) page range.</summary>
    public ulong VsPage { get; set; }
    public ulong LfhPage { get; set; }
    public ulong PagedVsPage { get; set; }
    public ulong LargeRangePage { get; set; }

    /// <summary>After Write: the address of the VS chunk header <see cref="SegmentHeapDamage.CorruptVsChunk"/> spoilt.</summary>
    public ulong CorruptedChunkHeader { get; set; }
}
