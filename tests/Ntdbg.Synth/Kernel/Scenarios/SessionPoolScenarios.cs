namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Session pool scenarios: the basic machine whose session 1 (explorer's, where the bugcheck ran)
/// has one tag holding nearly all of its session pool — a GDI object leak as `!poolused 8` finds it.
/// </summary>
public static class SessionPoolScenarios
{
    /// <summary>The leaking tag (GDI bitmaps' Gh05) and its counts in session 1's paged session pool.</summary>
    public static readonly SyntheticPoolTag Leak = new("Gh05", 0, 0, 0, 251_000, 1_000, 1_024_000_000);

    public static KernelScenario SessionPoolLeak(IsfLayout layout, int build)
    {
        var s = KernelScenario.Basic(layout, build);
        s.SessionPoolTags[1] = [Leak, new("Gla1", 0, 0, 0, 640, 40, 81920), new("Usqm", 0, 0, 0, 100, 20, 20480), new("GDev", 1, 0, 4096, 3, 1, 512), new("Uspi", 0, 0, 0, 70, 30, 8960)];
        return s;
    }
}
