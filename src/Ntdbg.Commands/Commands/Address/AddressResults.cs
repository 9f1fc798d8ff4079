using Ntdbg.Analyses.AddressMap;

namespace Ntdbg.Commands.Commands.Address;

/// <summary>`!address -summary`.</summary>
public sealed record AddressSummaryResult(AddressSummary Summary);

/// <summary>`!address Address`: the region holding the address (null when no region the dump describes holds it).</summary>
public sealed record AddressDetailResult(
    ulong Address,
    AddressMapSource Source,
    int PointerSize,
    uint ProcessId,
    AddressRegion? Region,
    IReadOnlyList<string> Notes);
