namespace Ntdbg.Core.Memory;

/// <summary>Why memory at an address could not be read.</summary>
public enum MemoryFaultKind
{
    /// <summary>The address lies in no range the dump describes.</summary>
    NotInDump,
    /// <summary>A paging-structure entry is not present (the address is not mapped).</summary>
    NotMapped,
    /// <summary>The page is in the page file or a mapped file, not in RAM, so not in the dump.</summary>
    PagedOut,
    /// <summary>The translation resolved to a physical page the dump does not hold.</summary>
    PhysicalPageMissing,
    /// <summary>The dump file ends before the data it describes.</summary>
    Truncated,
    /// <summary>The address is outside the canonical address range of the target.</summary>
    NonCanonical,
}

/// <summary>
/// A hole in memory, reported as a value: which address, which kind of hole and why. Nothing in
/// ntdbg returns zeros for missing memory.
/// </summary>
public sealed record MemoryFault(ulong Address, MemoryFaultKind Kind, string Detail, string AddressSpace)
{
    public override string ToString() => $"memory at {Hex.Address(Address)} is unavailable in {AddressSpace}: {Detail}";
}

public sealed class MemoryFaultException(MemoryFault fault) : Exception(fault.ToString())
{
    public MemoryFault Fault { get; } = fault;
}
