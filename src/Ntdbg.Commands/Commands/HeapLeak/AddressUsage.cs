using Ntdbg.Analyses.HeapLeak;
using Ntdbg.Analyses.Heaps;
using Ntdbg.Commands.Session;

namespace Ntdbg.Commands.Commands.HeapLeak;

/// <summary>The address space's usage classes for the leak report (replaced by !address -summary's analysis at merge).</summary>
public static class AddressUsage
{
    public static (IReadOnlyList<MemoryUsageShare>, IReadOnlyList<string>) Summarize(DebugSession session, HeapList heaps) =>
        ([], ["the address-space usage summary is not wired in yet"]);
}
