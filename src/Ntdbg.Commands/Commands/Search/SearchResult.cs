namespace Ntdbg.Commands.Commands.Search;

/// <summary>Hits of `s`: each with the 16 bytes WinDbg shows after the address.</summary>
public sealed record SearchResult(SearchKind Kind, int PointerSize, bool AddressesOnly, IReadOnlyList<SearchHit> Hits,
    ulong BytesScanned, bool HitLimitReached);

public sealed record SearchHit(ulong Address, byte[] Data, bool[] Valid);
