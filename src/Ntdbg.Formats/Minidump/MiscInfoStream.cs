using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_MISC_INFO flags (Flags1): which fields are valid.</summary>
[Flags]
public enum MiscInfoFlags : uint
{
    ProcessId = 0x1,
    ProcessTimes = 0x2,
    ProcessorPowerInfo = 0x4,
    ProcessIntegrity = 0x10,
    ProcessExecuteFlags = 0x20,
    TimeZone = 0x40,
    ProtectedProcess = 0x80,
    BuildString = 0x100,
    ProcessCookie = 0x200,
}

/// <summary>A SYSTEMTIME as stored in TIME_ZONE_INFORMATION (transition rules, not absolute dates).</summary>
public readonly record struct SystemTime(ushort Year, ushort Month, ushort DayOfWeek, ushort Day, ushort Hour, ushort Minute,
    ushort Second, ushort Milliseconds)
{
    public static SystemTime Read(ReadOnlySpan<byte> s, int o) => new(Le.U16(s, o), Le.U16(s, o + 2), Le.U16(s, o + 4),
        Le.U16(s, o + 6), Le.U16(s, o + 8), Le.U16(s, o + 10), Le.U16(s, o + 12), Le.U16(s, o + 14));
}

/// <summary>TIME_ZONE_INFORMATION (172 bytes). UTC = local time + Bias (minutes).</summary>
public sealed record TimeZoneInformation(int Bias, string StandardName, SystemTime StandardDate, int StandardBias,
    string DaylightName, SystemTime DaylightDate, int DaylightBias)
{
    public const int Size = 172;

    public static TimeZoneInformation Read(ReadOnlySpan<byte> s, int o) => new(
        Le.I32(s, o), Le.Utf16(s.Slice(o + 4, 64)), SystemTime.Read(s, o + 68), Le.I32(s, o + 84),
        Le.Utf16(s.Slice(o + 88, 64)), SystemTime.Read(s, o + 152), Le.I32(s, o + 168));
}

/// <summary>
/// MINIDUMP_MISC_INFO versions 1 to 5. The version is the size: 24 (v1), 44 (v2, processor power),
/// 232 (v3, integrity, execute flags, protection, time zone), 832 (v4, build strings), 1364 (v5, XState, cookie).
/// A field is filled only when both the stream and SizeOfInfo cover it and its flag is set.
/// </summary>
public sealed record MinidumpMiscInfo(uint SizeOfInfo, MiscInfoFlags Flags, int Version)
{
    public const int V1Size = 24, V2Size = 44, V3Size = 232, V4Size = 832, V5Size = 1364;

    public uint? ProcessId { get; init; }
    /// <summary>Seconds since 1970 (time_t).</summary>
    public uint? ProcessCreateTime { get; init; }
    /// <summary>Seconds.</summary>
    public uint? ProcessUserTime { get; init; }
    public uint? ProcessKernelTime { get; init; }
    public uint? ProcessorMaxMhz { get; init; }
    public uint? ProcessorCurrentMhz { get; init; }
    public uint? ProcessorMhzLimit { get; init; }
    public uint? ProcessorMaxIdleState { get; init; }
    public uint? ProcessorCurrentIdleState { get; init; }
    public uint? ProcessIntegrityLevel { get; init; }
    public uint? ProcessExecuteFlags { get; init; }
    public uint? ProtectedProcess { get; init; }
    /// <summary>TIME_ZONE_ID_*: 0 unknown, 1 standard, 2 daylight, at the time of the dump.</summary>
    public uint? TimeZoneId { get; init; }
    public TimeZoneInformation? TimeZone { get; init; }
    public string? BuildString { get; init; }
    public string? DbgBuildString { get; init; }
    public uint? XStateContextSize { get; init; }
    public ulong? XStateEnabledFeatures { get; init; }
    public uint? ProcessCookie { get; init; }
}

/// <summary>MiscInfoStream (15).</summary>
public static class MiscInfoStream
{
    public static MinidumpMiscInfo? Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (body.DeclaredSize < MinidumpMiscInfo.V1Size)
            throw dump.Error(body.Offset, $"misc info stream is {body.DeclaredSize} bytes, smaller than MINIDUMP_MISC_INFO ({MinidumpMiscInfo.V1Size})");
        if (!body.Has(MinidumpMiscInfo.V1Size))
        {
            dump.Warn("misc info stream lies past the end of the file");
            return null;
        }
        var s = body.Data;
        uint sizeOfInfo = Le.U32(s, 0);
        var flags = (MiscInfoFlags)Le.U32(s, 4);
        if (sizeOfInfo < MinidumpMiscInfo.V1Size)
            throw dump.Error(body.Offset, $"misc info: SizeOfInfo {sizeOfInfo} is smaller than version 1 ({MinidumpMiscInfo.V1Size})");
        if (sizeOfInfo > body.DeclaredSize)
            dump.Warn($"misc info: SizeOfInfo {sizeOfInfo} exceeds the stream size {body.DeclaredSize}; reading what the stream holds");
        int usable = (int)Math.Min(Math.Min(sizeOfInfo, body.DeclaredSize), (uint)s.Length);
        int version = usable >= MinidumpMiscInfo.V5Size ? 5 : usable >= MinidumpMiscInfo.V4Size ? 4 : usable >= MinidumpMiscInfo.V3Size ? 3
            : usable >= MinidumpMiscInfo.V2Size ? 2 : 1;
        bool Has(MiscInfoFlags f) => (flags & f) != 0;

        var info = new MinidumpMiscInfo(sizeOfInfo, flags, version)
        {
            ProcessId = Has(MiscInfoFlags.ProcessId) ? Le.U32(s, 8) : null,
            ProcessCreateTime = Has(MiscInfoFlags.ProcessTimes) ? Le.U32(s, 12) : null,
            ProcessUserTime = Has(MiscInfoFlags.ProcessTimes) ? Le.U32(s, 16) : null,
            ProcessKernelTime = Has(MiscInfoFlags.ProcessTimes) ? Le.U32(s, 20) : null,
        };
        if (version >= 2 && Has(MiscInfoFlags.ProcessorPowerInfo))
            info = info with
            {
                ProcessorMaxMhz = Le.U32(s, 24),
                ProcessorCurrentMhz = Le.U32(s, 28),
                ProcessorMhzLimit = Le.U32(s, 32),
                ProcessorMaxIdleState = Le.U32(s, 36),
                ProcessorCurrentIdleState = Le.U32(s, 40),
            };
        if (version >= 3)
            info = info with
            {
                ProcessIntegrityLevel = Has(MiscInfoFlags.ProcessIntegrity) ? Le.U32(s, 44) : null,
                ProcessExecuteFlags = Has(MiscInfoFlags.ProcessExecuteFlags) ? Le.U32(s, 48) : null,
                ProtectedProcess = Has(MiscInfoFlags.ProtectedProcess) ? Le.U32(s, 52) : null,
                TimeZoneId = Has(MiscInfoFlags.TimeZone) ? Le.U32(s, 56) : null,
                TimeZone = Has(MiscInfoFlags.TimeZone) ? TimeZoneInformation.Read(s, 60) : null,
            };
        if (version >= 4 && Has(MiscInfoFlags.BuildString))
            info = info with { BuildString = Le.Utf16(s.Slice(232, 520)), DbgBuildString = Le.Utf16(s.Slice(752, 80)) };
        if (version >= 5)
        {
            // XSTATE_CONFIG_FEATURE_MSC_INFO at 832: SizeOfInfo, ContextSize, EnabledFeatures, Features[64].
            info = info with
            {
                XStateContextSize = Le.U32(s, 836),
                XStateEnabledFeatures = Le.U64(s, 840),
                ProcessCookie = Has(MiscInfoFlags.ProcessCookie) ? Le.U32(s, 1360) : null,
            };
        }
        return info;
    }
}
