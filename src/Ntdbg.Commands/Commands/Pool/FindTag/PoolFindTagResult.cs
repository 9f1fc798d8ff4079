using Ntdbg.Analyses.Pool;

namespace Ntdbg.Commands.Commands.Pool.FindTag;

/// <summary>
/// `ntdbg pool findtag`: where a pool tag is used, in the module images a dump holds (InDump,
/// null without a dump) and in the image files under a folder (OnDisk, null without one).
/// PointerSize formats the dump's addresses (8 when there is no dump).
/// </summary>
public sealed record PoolFindTagResult(
    string Tag,
    uint Value,
    string? DumpPath,
    PoolTagResult? InDump,
    string? Directory,
    PoolTagResult? OnDisk,
    int PointerSize);
