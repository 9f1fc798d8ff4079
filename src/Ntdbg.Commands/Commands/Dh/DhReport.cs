using Ntdbg.Formats.Pe;

namespace Ntdbg.Commands.Commands.Dh;

/// <summary>
/// What `!dh` shows for one image: the file and optional headers with their flags decoded,
/// the 16 data directories by name, the section headers, and the debug directories (printed
/// after the section that holds them, as WinDbg does). Which parts to print is in
/// <see cref="ShowHeaders"/>/<see cref="ShowSections"/>.
/// </summary>
public sealed record DhReport(
    ulong Address,
    /// <summary>The debugger's pointer width: image base and stack sizes are printed at this width.</summary>
    int DisplayPointerSize,
    bool ShowHeaders,
    bool ShowSections,
    string FileType,
    PeFileHeader FileHeader,
    string MachineName,
    /// <summary>The TimeDateStamp as a date in the chosen zone (<see cref="TimeZoneOffsetMinutes"/>).</summary>
    DateTimeOffset TimeStamp,
    int TimeZoneOffsetMinutes,
    IReadOnlyList<string> Characteristics,
    PeOptionalHeader OptionalHeader,
    string SubsystemName,
    IReadOnlyList<string> DllCharacteristics,
    IReadOnlyList<DhDirectory> Directories,
    IReadOnlyList<DhSection> Sections,
    DhDebugDirectories? DebugDirectories);

/// <summary>One data directory line: "address [size] of Export Directory".</summary>
public sealed record DhDirectory(string Name, uint VirtualAddress, uint Size);

/// <summary>A section header with its flags decoded into the lines WinDbg prints under "flags".</summary>
public sealed record DhSection(PeSectionHeader Header, IReadOnlyList<string> Flags);

/// <summary>
/// The debug directory table and the section it follows (1-based section number; 0 when no
/// section holds it, in which case it is printed after the last section).
/// </summary>
public sealed record DhDebugDirectories(int AfterSection, int Count, IReadOnlyList<PeDebugDirectoryEntry> Entries, string? Problem);
