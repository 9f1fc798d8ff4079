namespace Ntdbg.Formats.Pe;

/// <summary>One IMAGE_DATA_DIRECTORY entry; <see cref="Index"/> is its slot (0 export ... 15 reserved).</summary>
public sealed record PeDataDirectory(int Index, uint VirtualAddress, uint Size)
{
    public const int Count = 16;
    public const int Export = 0;
    public const int Import = 1;
    public const int Resource = 2;
    public const int Exception = 3;
    public const int Security = 4;
    public const int BaseRelocation = 5;
    public const int Debug = 6;
    public const int Architecture = 7;
    public const int GlobalPtr = 8;
    public const int Tls = 9;
    public const int LoadConfig = 10;
    public const int BoundImport = 11;
    public const int Iat = 12;
    public const int DelayImport = 13;
    public const int ClrRuntime = 14;
    public const int Reserved = 15;

    public bool IsPresent => VirtualAddress != 0 && Size != 0;
}
