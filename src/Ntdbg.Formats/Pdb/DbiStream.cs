using Ntdbg.Formats.Pe;

namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The DBI stream (stream 3). The header is read on open; the module list, the optional debug
/// header and what it points to (section headers, OMAP) on first use. The DBI age is the one
/// that matches the image's CodeView age (the info stream's age can be higher).
/// </summary>
public sealed class DbiStream
{
    public const int StreamIndex = 3;
    public const int HeaderSize = 64;

    private readonly MsfFile _msf;
    private readonly MsfStream _stream;
    private IReadOnlyList<DbiModuleInfo>? _modules;
    private DbiDebugStreams? _debug;
    private IReadOnlyList<PeSectionHeader>? _sections;
    private IReadOnlyList<PeSectionHeader>? _originalSections;
    private OmapTable? _omapToSource, _omapFromSource;
    private bool _omapRead;

    public int VersionSignature { get; }
    public uint VersionHeader { get; }
    public uint Age { get; }
    public int GlobalStreamIndex { get; }
    public ushort BuildNumber { get; }
    public int PublicStreamIndex { get; }
    public ushort PdbDllVersion { get; }
    public int SymbolRecordStreamIndex { get; }
    public ushort PdbDllRebuild { get; }
    public int ModuleInfoSize { get; }
    public int SectionContributionSize { get; }
    public int SectionMapSize { get; }
    public int SourceInfoSize { get; }
    public int TypeServerMapSize { get; }
    public int OptionalDebugHeaderSize { get; }
    public int EcSubstreamSize { get; }
    public ushort Flags { get; }
    /// <summary>IMAGE_FILE_MACHINE_* (0x8664 x64, 0x14c x86, 0xaa64 ARM64).</summary>
    public ushort Machine { get; }

    public bool IsIncrementallyLinked => (Flags & 1) != 0;
    public bool IsStripped => (Flags & 2) != 0;

    private DbiStream(MsfFile msf, MsfStream stream)
    {
        _msf = msf;
        _stream = stream;
        if (stream.Length < HeaderSize) throw stream.Error(0, $"DBI stream of 0x{stream.Length:x} bytes is shorter than its 0x40-byte header");
        var r = stream.Reader();
        static int Index(ushort s) => s == 0xFFFF ? -1 : s;
        VersionSignature = r.I32();
        VersionHeader = r.U32();
        Age = r.U32();
        GlobalStreamIndex = Index(r.U16());
        BuildNumber = r.U16();
        PublicStreamIndex = Index(r.U16());
        PdbDllVersion = r.U16();
        SymbolRecordStreamIndex = Index(r.U16());
        PdbDllRebuild = r.U16();
        ModuleInfoSize = r.I32();
        SectionContributionSize = r.I32();
        SectionMapSize = r.I32();
        SourceInfoSize = r.I32();
        TypeServerMapSize = r.I32();
        r.U32(); // MFC type server index
        OptionalDebugHeaderSize = r.I32();
        EcSubstreamSize = r.I32();
        Flags = r.U16();
        Machine = r.U16();
        long total = (long)HeaderSize;
        foreach (var (size, name) in new[] { (ModuleInfoSize, "module info"), (SectionContributionSize, "section contribution"),
                     (SectionMapSize, "section map"), (SourceInfoSize, "source info"), (TypeServerMapSize, "type server map"),
                     (EcSubstreamSize, "EC"), (OptionalDebugHeaderSize, "optional debug header") })
        {
            if (size < 0) throw stream.Error(0, $"DBI {name} substream size {size} is negative");
            total += size;
        }
        if (total > stream.Length)
            throw stream.Error(0, $"DBI substreams total 0x{total:x} bytes but the stream holds 0x{stream.Length:x}");
    }

    public static DbiStream Read(MsfFile msf, MsfStream stream) => new(msf, stream);

    private int OptionalDebugHeaderOffset =>
        HeaderSize + ModuleInfoSize + SectionContributionSize + SectionMapSize + SourceInfoSize + TypeServerMapSize + EcSubstreamSize;

    /// <summary>The module list (module name, object name, symbol stream, sizes).</summary>
    public IReadOnlyList<DbiModuleInfo> Modules => _modules ??= ReadModules();

    private List<DbiModuleInfo> ReadModules()
    {
        var list = new List<DbiModuleInfo>();
        var r = _stream.Reader(HeaderSize, ModuleInfoSize);
        while (r.Remaining >= 64)
        {
            if (list.Count >= PdbLimits.MaxModules) throw r.Error($"DBI module count exceeds the limit of {PdbLimits.MaxModules}");
            r.U32("module unused");
            ushort cSection = r.U16("contribution section");
            r.U16();
            int cOffset = r.I32("contribution offset");
            int cSize = r.I32("contribution size");
            r.Skip(16, "contribution tail");
            ushort flags = r.U16("module flags");
            ushort symStream = r.U16("module symbol stream");
            uint symBytes = r.U32("module symbol size");
            uint c11 = r.U32("module C11 size");
            uint c13 = r.U32("module C13 size");
            ushort files = r.U16("module source file count");
            r.Skip(2 + 4 + 4 + 4, "module name indices");
            string moduleName = r.CString("module name");
            string objectName = r.CString("object name");
            r.Align(4);
            list.Add(new DbiModuleInfo(list.Count, moduleName, objectName, symStream, symBytes, c11, c13, files, flags, cSection, cOffset, cSize));
        }
        return list;
    }

    /// <summary>Streams of the optional debug header (FPO, OMAP, section headers, new FPO...).</summary>
    public DbiDebugStreams DebugStreams => _debug ??= OptionalDebugHeaderSize == 0
        ? DbiDebugStreams.None
        : DbiDebugStreams.Read(_stream.Reader(OptionalDebugHeaderOffset, OptionalDebugHeaderSize));

    /// <summary>The image's section headers (as the image has them after any reordering).</summary>
    public IReadOnlyList<PeSectionHeader> SectionHeaders => _sections ??= ReadSections(DebugStreams.SectionHeaders, "section headers");

    /// <summary>The section headers before reordering (present with OMAP); empty otherwise.</summary>
    public IReadOnlyList<PeSectionHeader> OriginalSectionHeaders => _originalSections ??= ReadSections(DebugStreams.OriginalSectionHeaders, "original section headers");

    public OmapTable? OmapToSource { get { ReadOmap(); return _omapToSource; } }
    public OmapTable? OmapFromSource { get { ReadOmap(); return _omapFromSource; } }

    private void ReadOmap()
    {
        if (_omapRead) return;
        var d = DebugStreams;
        if (_msf.StreamExists(d.OmapToSource)) _omapToSource = OmapTable.Read(_msf.ReadStream(d.OmapToSource, "OMAP to source"));
        if (_msf.StreamExists(d.OmapFromSource)) _omapFromSource = OmapTable.Read(_msf.ReadStream(d.OmapFromSource, "OMAP from source"));
        _omapRead = true;
    }

    private IReadOnlyList<PeSectionHeader> ReadSections(int index, string name)
    {
        if (!_msf.StreamExists(index)) return [];
        var s = _msf.ReadStream(index, name);
        int n = s.Length / PeSectionHeader.Size;
        if (n > Ntdbg.Core.Errors.Limits.MaxSections * 64) throw s.Error(0, $"{n} section headers exceed the limit");
        var list = new PeSectionHeader[n];
        var r = s.Reader();
        for (int i = 0; i < n; i++)
        {
            var raw = r.Bytes(8, "section name");
            int nul = raw.IndexOf((byte)0);
            string sname = System.Text.Encoding.UTF8.GetString(nul < 0 ? raw : raw[..nul]);
            list[i] = new PeSectionHeader(i + 1, sname, r.U32(), r.U32(), r.U32(), r.U32(), r.U32(), r.U32(), r.U16(), r.U16(), r.U32());
        }
        return list;
    }
}
