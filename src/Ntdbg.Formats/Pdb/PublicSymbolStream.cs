namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The public symbol index (PSI, the DBI's public stream): a header, the GSI hash table and an
/// address map (symbol record offsets sorted by section:offset). Symbols are S_PUB32 records
/// read from the symbol record stream, listed in address-map order.
/// </summary>
public sealed class PublicSymbolStream
{
    public const int HeaderSize = 28;

    public uint HashBytes { get; }
    public uint AddressMapBytes { get; }
    public uint ThunkCount { get; }
    public uint ThunkSize { get; }
    public ushort ThunkTableSection { get; }
    public uint ThunkTableOffset { get; }
    public uint SectionCount { get; }
    /// <summary>Offsets into the symbol record stream, in the order of the hash table.</summary>
    public IReadOnlyList<uint> HashRecordOffsets { get; }
    /// <summary>Offsets into the symbol record stream, sorted by address.</summary>
    public IReadOnlyList<uint> AddressMap { get; }
    /// <summary>The public symbols in address-map order.</summary>
    public IReadOnlyList<PdbSymbol> Symbols { get; }

    private PublicSymbolStream(MsfStream psi, MsfStream records)
    {
        var r = psi.Reader();
        if (psi.Length == 0) { HashRecordOffsets = []; AddressMap = []; Symbols = []; return; }
        HashBytes = r.U32("PSI hash size");
        AddressMapBytes = r.U32("PSI address map size");
        ThunkCount = r.U32("PSI thunk count");
        ThunkSize = r.U32("PSI thunk size");
        ThunkTableSection = r.U16("PSI thunk section");
        r.U16();
        ThunkTableOffset = r.U32("PSI thunk offset");
        SectionCount = r.U32("PSI section count");
        if (HashBytes > (uint)r.Remaining) throw r.Error($"PSI hash of 0x{HashBytes:x} bytes does not fit the stream");
        HashRecordOffsets = GsiHashTable.ReadRecordOffsets(psi, r.Position, (int)HashBytes);
        r.Position += (int)HashBytes;
        if (AddressMapBytes > (uint)r.Remaining || AddressMapBytes % 4 != 0)
            throw r.Error($"PSI address map of 0x{AddressMapBytes:x} bytes does not fit the 0x{r.Remaining:x} bytes left");
        var map = new uint[AddressMapBytes / 4];
        for (int i = 0; i < map.Length; i++) map[i] = r.U32("PSI address map entry");
        AddressMap = map;
        var symbols = new PdbSymbol[map.Length];
        for (int i = 0; i < map.Length; i++)
        {
            if (map[i] > int.MaxValue - 8 || map[i] >= (uint)records.Length)
                throw psi.Error(HeaderSize + HashBytes + i * 4, $"address map entry {i} points at 0x{map[i]:x}, past the 0x{records.Length:x}-byte symbol record stream");
            symbols[i] = SymbolRecordReader.ReadAt(records, (int)map[i], records.Length, out _);
        }
        Symbols = symbols;
    }

    public static PublicSymbolStream Read(MsfStream psi, MsfStream symbolRecords) => new(psi, symbolRecords);
}
