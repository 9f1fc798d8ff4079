namespace Ntdbg.Analyses.Analyze.BugChecks;

/// <summary>
/// One documented value of the selecting parameter (usually parameter 1) and what all four
/// parameters mean for it; the selecting parameter's description says what the value means.
/// </summary>
public sealed record BugCheckSubtype(ulong Value, IReadOnlyList<BugCheckParameter> Parameters);
