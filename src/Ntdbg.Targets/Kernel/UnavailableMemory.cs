using Ntdbg.Core.Memory;

namespace Ntdbg.Targets.Kernel;

/// <summary>An address space with nothing in it (a triage dump's physical memory), each read saying why.</summary>
public sealed class UnavailableMemory(string name, string reason) : IVirtualMemory
{
    public string Name => name;

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        fault = destination.Length == 0 ? null : new MemoryFault(address, MemoryFaultKind.NotInDump, reason, name);
        return 0;
    }

    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor) { }
}
