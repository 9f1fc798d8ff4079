namespace Ntdbg.Symbols.Cab;

/// <summary>One CFFILE record: a file stored in a folder of the cabinet.</summary>
public sealed record CabFileEntry(string Name, uint Size, uint OffsetInFolder, int FolderIndex);
