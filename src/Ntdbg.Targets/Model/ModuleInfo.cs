namespace Ntdbg.Targets.Model;

/// <summary>The CodeView record that names a module's PDB ('RSDS' PDB 7.0 or 'NB10' PDB 2.0).</summary>
public sealed record CodeViewInfo(string Signature, string PdbPath, Guid Guid, uint Age, uint Nb10Signature = 0)
{
    /// <summary>The symbol-server key: GUID (or NB10 timestamp) followed by the age in hex.</summary>
    public string SymbolKey => Signature == "RSDS"
        ? $"{Guid.ToString("N").ToUpperInvariant()}{Age:X}"
        : $"{Nb10Signature:X8}{Age:X}";
}

/// <summary>VS_FIXEDFILEINFO as stored in a minidump module record.</summary>
public sealed record FileVersionInfo(uint FileVersionMs, uint FileVersionLs, uint ProductVersionMs, uint ProductVersionLs,
    uint FileFlags, uint FileOs, uint FileType, uint FileSubtype, ulong FileDate)
{
    public string FileVersion => $"{FileVersionMs >> 16}.{FileVersionMs & 0xffff}.{FileVersionLs >> 16}.{FileVersionLs & 0xffff}";
    public string ProductVersion => $"{ProductVersionMs >> 16}.{ProductVersionMs & 0xffff}.{ProductVersionLs >> 16}.{ProductVersionLs & 0xffff}";
}

/// <summary>A loaded module (image, driver) as the dump records it.</summary>
public sealed record ModuleInfo(
    string ImagePath,
    ulong Base,
    ulong Size,
    uint TimeDateStamp,
    uint CheckSum,
    CodeViewInfo? CodeView = null,
    FileVersionInfo? Version = null)
{
    public ulong End => Base + Size;

    /// <summary>The file name with directories stripped ("ntoskrnl.exe").</summary>
    public string FileName
    {
        get
        {
            int i = ImagePath.LastIndexOfAny(['\\', '/']);
            return i >= 0 ? ImagePath[(i + 1)..] : ImagePath;
        }
    }

    /// <summary>The module name WinDbg uses: file name without extension ("ntoskrnl").</summary>
    public string Name { get; init; } = DefaultName(ImagePath);

    public bool Contains(ulong address) => address >= Base && address - Base < Size;

    public static string DefaultName(string path)
    {
        int i = path.LastIndexOfAny(['\\', '/']);
        string file = i >= 0 ? path[(i + 1)..] : path;
        int dot = file.LastIndexOf('.');
        return dot > 0 ? file[..dot] : file;
    }
}

/// <summary>A module that was loaded and has been unloaded.</summary>
public sealed record UnloadedModuleInfo(string ImagePath, ulong Base, ulong Size, uint TimeDateStamp, uint CheckSum)
{
    public string Name => ModuleInfo.DefaultName(ImagePath);
}
