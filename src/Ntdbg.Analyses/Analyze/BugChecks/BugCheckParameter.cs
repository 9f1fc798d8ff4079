namespace Ntdbg.Analyses.Analyze.BugChecks;

/// <summary>One of the four bug check parameters: what it holds, and a short line for !analyze.</summary>
public sealed record BugCheckParameter(BugCheckParameterRole Role, string Description);
