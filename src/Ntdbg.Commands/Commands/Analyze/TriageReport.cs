using Ntdbg.Analyses.Analyze;

namespace Ntdbg.Commands.Commands.Analyze;

/// <summary>`ntdbg triage crash`: the same analysis as !analyze -v, for a short report (what failed, where, the top frames, the bucket).</summary>
public sealed record TriageReport(string DumpPath, CrashAnalysis Analysis, int PointerSize, int TopFrames);
