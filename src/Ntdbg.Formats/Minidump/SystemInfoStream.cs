using System.Text;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>PROCESSOR_ARCHITECTURE_* values in MINIDUMP_SYSTEM_INFO.</summary>
public enum ProcessorArchitecture : ushort
{
    Intel = 0,
    Mips = 1,
    Alpha = 2,
    Ppc = 3,
    Shx = 4,
    Arm = 5,
    Ia64 = 6,
    Alpha64 = 7,
    Msil = 8,
    Amd64 = 9,
    Ia32OnWin64 = 10,
    Arm64 = 12,
    Unknown = 0xffff,
}

/// <summary>MINIDUMP_SYSTEM_INFO (56 bytes) with the CSD version string and the CPU information decoded.</summary>
public sealed record MinidumpSystemInfo(ProcessorArchitecture ProcessorArchitecture, ushort ProcessorLevel, ushort ProcessorRevision,
    byte NumberOfProcessors, byte ProductType, uint MajorVersion, uint MinorVersion, uint BuildNumber, uint PlatformId,
    uint CsdVersionRva, ushort SuiteMask, string? CsdVersion,
    /// <summary>x86 CPUID: vendor, version information, feature information, AMD extended features.</summary>
    string? VendorId, uint VersionInformation, uint FeatureInformation, uint AmdExtendedCpuFeatures,
    /// <summary>Non-x86: the two ProcessorFeatures words.</summary>
    ulong ProcessorFeatures0, ulong ProcessorFeatures1);

/// <summary>SystemInfoStream (7).</summary>
public static class SystemInfoStream
{
    public const int Size = 56;

    public static MinidumpSystemInfo? Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (body.DeclaredSize < Size)
            throw dump.Error(body.Offset, $"system info stream is {body.DeclaredSize} bytes, smaller than MINIDUMP_SYSTEM_INFO ({Size})");
        if (!body.Has(Size))
        {
            dump.Warn("system info stream lies past the end of the file");
            return null;
        }
        var s = body.Data;
        var arch = (ProcessorArchitecture)Le.U16(s, 0);
        uint csdRva = Le.U32(s, 24);
        string? csd = dump.ReadString(csdRva, "CSD version string");
        bool x86Cpu = arch is ProcessorArchitecture.Intel or ProcessorArchitecture.Amd64 or ProcessorArchitecture.Ia32OnWin64;
        string? vendor = x86Cpu ? Vendor(s.Slice(32, 12)) : null;
        return new MinidumpSystemInfo(arch, Le.U16(s, 2), Le.U16(s, 4), s[6], s[7], Le.U32(s, 8), Le.U32(s, 12), Le.U32(s, 16),
            Le.U32(s, 20), csdRva, Le.U16(s, 28), csd, vendor,
            x86Cpu ? Le.U32(s, 44) : 0, x86Cpu ? Le.U32(s, 48) : 0, x86Cpu ? Le.U32(s, 52) : 0,
            Le.U64(s, 32), Le.U64(s, 40));
    }

    /// <summary>CPUID vendor words as text ("GenuineIntel"); null when the writer left them empty.</summary>
    private static string? Vendor(ReadOnlySpan<byte> s)
    {
        int n = s.IndexOf((byte)0);
        if (n < 0) n = s.Length;
        if (n == 0) return null;
        foreach (byte b in s[..n])
            if (b < 0x20 || b > 0x7e) return null;
        return Encoding.ASCII.GetString(s[..n]);
    }
}
