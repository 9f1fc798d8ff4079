namespace Ntdbg.Analyses.Analyze.BugChecks;

/// <summary>
/// A Windows bug check (stop) code: its fixed identifier, a short summary, and what its four
/// parameters hold. Codes whose parameters depend on one of them carry per-value subtypes.
/// </summary>
public sealed record BugCheckInfo(uint Code, string Name, string Summary, IReadOnlyList<BugCheckParameter> Parameters)
{
    /// <summary>Documented values of the selecting parameter; empty when the meaning never changes.</summary>
    public IReadOnlyList<BugCheckSubtype> Subtypes { get; init; } = [];

    /// <summary>Which parameter (0-based) selects the subtype; parameter 1 for every documented code.</summary>
    public int SubtypeParameterIndex { get; init; }

    /// <summary>The subtype whose value the selecting parameter holds, or null.</summary>
    public BugCheckSubtype? SubtypeFor(IReadOnlyList<ulong> parameters)
    {
        if (Subtypes.Count == 0 || SubtypeParameterIndex >= parameters.Count) return null;
        ulong selector = parameters[SubtypeParameterIndex];
        foreach (var s in Subtypes)
            if (s.Value == selector) return s;
        return null;
    }
}
