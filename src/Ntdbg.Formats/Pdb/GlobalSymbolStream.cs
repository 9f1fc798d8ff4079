namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The global symbol index (GSI, the DBI's global stream): its hash table lists the global
/// records (S_GDATA32, S_LDATA32, S_PROCREF, S_LPROCREF, S_CONSTANT, S_UDT...) in the symbol
/// record stream.
/// </summary>
public sealed class GlobalSymbolStream
{
    public IReadOnlyList<PdbSymbol> Symbols { get; }

    private GlobalSymbolStream(MsfStream gsi, MsfStream records)
    {
        var offsets = GsiHashTable.ReadRecordOffsets(gsi, 0, gsi.Length);
        var symbols = new PdbSymbol[offsets.Length];
        for (int i = 0; i < offsets.Length; i++)
        {
            if (offsets[i] > int.MaxValue - 8 || offsets[i] >= (uint)records.Length)
                throw gsi.Error(16 + i * 8, $"hash record {i} points at 0x{offsets[i]:x}, past the 0x{records.Length:x}-byte symbol record stream");
            symbols[i] = SymbolRecordReader.ReadAt(records, (int)offsets[i], records.Length, out _);
        }
        Symbols = symbols;
    }

    public static GlobalSymbolStream Read(MsfStream gsi, MsfStream symbolRecords) => new(gsi, symbolRecords);
}
