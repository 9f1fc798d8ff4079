namespace Ntdbg.Symbols.Cab;

/// <summary>One CFFOLDER record: where its CFDATA blocks start, how many, and how they are compressed.</summary>
public sealed record CabFolder(uint FirstDataOffset, int DataBlockCount, CabCompression Compression);

public enum CabCompression
{
    None = 0,
    MsZip = 1,
    Quantum = 2,
    Lzx = 3,
}
