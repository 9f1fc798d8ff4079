using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Pdb;

/// <summary>
/// A PDB file. Opening reads the MSF superblock and directory, the info stream and the DBI
/// header; everything else (modules, symbols, types, OMAP) is read on first use and kept.
/// Not thread-safe: callers that share one instance across threads lock around first use.
/// </summary>
public sealed class PdbFile
{
    private MsfStream? _symbolRecords;
    private PublicSymbolStream? _publics;
    private IReadOnlyList<PdbSymbol>? _globals;
    private IReadOnlyList<PdbModule>? _modules;
    private TypeStream? _types, _ids;
    private PdbStringTable? _strings;
    private IReadOnlyList<FpoData>? _fpo;
    private IReadOnlyList<FrameData>? _frameData;

    private PdbFile(MappedFile file, MsfFile msf, PdbInfoStream info, DbiStream dbi)
    {
        File = file;
        Msf = msf;
        Info = info;
        Dbi = dbi;
    }

    public MappedFile File { get; }
    public MsfFile Msf { get; }
    public PdbInfoStream Info { get; }
    public DbiStream Dbi { get; }

    public static PdbFile Open(MappedFile file)
    {
        var msf = MsfFile.Open(file);
        var info = PdbInfoStream.Read(msf.ReadStream(PdbInfoStream.StreamIndex, "PDB info"));
        if (!msf.StreamExists(DbiStream.StreamIndex))
            throw new Ntdbg.Core.Errors.DumpFormatException(file.Path, 0, "PDB has no DBI stream (stream 3)");
        var dbi = DbiStream.Read(msf, msf.ReadStream(DbiStream.StreamIndex, "DBI"));
        return new PdbFile(file, msf, info, dbi);
    }

    private MsfStream SymbolRecords => _symbolRecords ??= Msf.ReadStream(Dbi.SymbolRecordStreamIndex, "symbol records");

    /// <summary>The public symbol stream (header, address map, S_PUB32 records).</summary>
    public PublicSymbolStream PublicStream => _publics ??=
        PublicSymbolStream.Read(Msf.ReadStream(Dbi.PublicStreamIndex, "public symbols"), SymbolRecords);

    /// <summary>S_PUB32 records in address order.</summary>
    public IReadOnlyList<PdbSymbol> Publics => PublicStream.Symbols;

    /// <summary>Global symbol records (data, procedure references, constants, UDTs).</summary>
    public IReadOnlyList<PdbSymbol> Globals => _globals ??= Msf.StreamExists(Dbi.GlobalStreamIndex)
        ? GlobalSymbolStream.Read(Msf.ReadStream(Dbi.GlobalStreamIndex, "global symbols"), SymbolRecords).Symbols
        : [];

    public IReadOnlyList<PdbModule> Modules => _modules ??= BuildModules();

    private List<PdbModule> BuildModules()
    {
        var infos = Dbi.Modules;
        var list = new List<PdbModule>(infos.Count);
        for (int i = 0; i < infos.Count; i++) list.Add(new PdbModule(Msf, infos[i]));
        return list;
    }

    /// <summary>The TPI stream (stream 2): types.</summary>
    public TypeStream Types => _types ??= TypeStream.Read(Msf, 2, "TPI");

    /// <summary>The IPI stream (stream 4): function ids, string ids, build info.</summary>
    public TypeStream Ids => _ids ??= TypeStream.Read(Msf, 4, "IPI");

    /// <summary>The "/names" string table (empty when the PDB has none).</summary>
    public PdbStringTable Strings => _strings ??= Info.NamedStreams.TryGetValue("/names", out int s) && Msf.StreamExists(s)
        ? PdbStringTable.Read(Msf.ReadStream(s, "/names"))
        : PdbStringTable.Empty;

    /// <summary>Old-style FPO records (x86), empty when absent.</summary>
    public IReadOnlyList<FpoData> Fpo => _fpo ??= Msf.StreamExists(Dbi.DebugStreams.Fpo)
        ? FpoData.ReadAll(Msf.ReadStream(Dbi.DebugStreams.Fpo, "FPO"))
        : [];

    /// <summary>New-style FPO frame data (x86) with program strings, empty when absent.</summary>
    public IReadOnlyList<FrameData> FrameData => _frameData ??= Msf.StreamExists(Dbi.DebugStreams.NewFpo)
        ? Pdb.FrameData.ReadAll(Msf.ReadStream(Dbi.DebugStreams.NewFpo, "new FPO"), Strings)
        : [];

    /// <summary>
    /// The image RVA of a section:offset address (sections 1-based), through OMAP when the image
    /// was reordered; null for an unknown section or an address OMAP leaves unmapped.
    /// </summary>
    public uint? SectionRvaOf(ushort section, uint offset)
    {
        var omap = Dbi.OmapFromSource;
        // With OMAP, symbol addresses refer to the sections as linked (the original headers).
        var sections = omap != null && Dbi.OriginalSectionHeaders.Count > 0 ? Dbi.OriginalSectionHeaders : Dbi.SectionHeaders;
        if (section == 0 || section > sections.Count) return null;
        uint rva = sections[section - 1].VirtualAddress + offset;
        return omap != null ? omap.Map(rva) : rva;
    }
}
