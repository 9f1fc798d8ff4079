namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>Scenarios about the memory manager's counters, and the step that writes them.</summary>
public static class MemoryScenarios
{
    /// <summary>Where counter-related objects (pool descriptors, session spaces, paging files) are placed.</summary>
    public const ulong CounterObjects = 0xffffc08c70000000;

    /// <summary>The basic machine with the counters of the seed's `!vm 1` (an excessive non-paged pool).</summary>
    public static KernelScenario SeedVm(IsfLayout layout, int build)
    {
        var s = KernelScenario.Basic(layout, build);
        s.MemoryCounters = SyntheticMemoryCounters.Seed;
        return s;
    }

    /// <summary>Writes the scenario's counters; returns what the build could hold, by `!vm` label.</summary>
    public static IReadOnlyDictionary<string, ulong> WriteCounters(KernelScenario s)
    {
        if (s.MemoryCounters == null) return new Dictionary<string, ulong>();
        var writer = new MemoryCountersWriter(new KernelVariableWriter(s, CounterObjects));
        writer.Write(s.MemoryCounters);
        return writer.Written;
    }
}
