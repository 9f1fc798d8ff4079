using System.Collections.Frozen;

namespace Ntdbg.Analyses.Analyze.BugChecks;

/// <summary>
/// The documented Windows bug check codes, looked up by code. The 0x1000xxxx forms (0x1000007E,
/// 0x1000008E, 0x100000EA, ...) are the same checks raised with a flag bit and resolve to the
/// base code's entry, as the debugger reports them.
/// </summary>
public static class BugCheckCatalog
{
    /// <summary>The bit the kernel sets on some codes (0x1000007E); the meaning is the base code's.</summary>
    public const uint FlaggedVariantBit = 0x1000_0000;

    private static readonly FrozenDictionary<uint, BugCheckInfo> ByCode = BugCheckData.Entries()
        .ToFrozenDictionary(e => e.Code);

    /// <summary>Every entry, ordered by code.</summary>
    public static IReadOnlyList<BugCheckInfo> All { get; } = [.. ByCode.Values.OrderBy(e => e.Code)];

    /// <summary>The code that carries the meaning: 0x1000007E → 0x7E; anything else unchanged.</summary>
    public static uint Normalize(uint code)
    {
        // Only the flag bit over a small base code is a variant; 0xC000021A or 0xDEADDEAD are codes of their own.
        if ((code & 0xFFFF_0000) == FlaggedVariantBit && ByCode.ContainsKey(code & 0xFFFF)) return code & 0xFFFF;
        return code;
    }

    public static bool TryGet(uint code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BugCheckInfo? info) =>
        ByCode.TryGetValue(Normalize(code), out info);

    /// <summary>
    /// The four parameter descriptions for these parameter values: the matching subtype's when the
    /// selecting parameter holds a documented value, the code's general ones otherwise. An unknown
    /// code gets four "not described" entries.
    /// </summary>
    public static IReadOnlyList<BugCheckParameter> Describe(uint code, IReadOnlyList<ulong> parameters)
    {
        if (!TryGet(code, out var info)) return Unknown;
        return info.SubtypeFor(parameters)?.Parameters ?? info.Parameters;
    }

    private static readonly IReadOnlyList<BugCheckParameter> Unknown =
        [.. Enumerable.Repeat(new BugCheckParameter(BugCheckParameterRole.Unknown, "Not described for this code"), 4)];
}
