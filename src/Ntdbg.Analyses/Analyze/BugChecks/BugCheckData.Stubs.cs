namespace Ntdbg.Analyses.Analyze.BugChecks;

internal static partial class BugCheckData
{
    private static IEnumerable<BugCheckInfo> Codes1A0AndAbove() => [];
}
