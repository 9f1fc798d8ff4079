namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>Scenarios about pool allocations (what `!pool` and `!poolfind` read).</summary>
public static class PoolScenarios
{
    /// <summary>The basic machine with <see cref="SyntheticPoolAllocations.Ordinary"/>: classic pool pages (Windows 7 to 10 1809) and big pool allocations.</summary>
    public static KernelScenario PoolPages(IsfLayout layout, int build)
    {
        var s = KernelScenario.Basic(layout, build);
        s.PoolAllocations = SyntheticPoolAllocations.Ordinary();
        return s;
    }
}
