namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_STREAM_TYPE values (minidumpapiset.h), plus breakpad's vendor streams seen in real dumps.</summary>
public enum MinidumpStreamType : uint
{
    Unused = 0,
    Reserved0 = 1,
    Reserved1 = 2,
    ThreadList = 3,
    ModuleList = 4,
    MemoryList = 5,
    Exception = 6,
    SystemInfo = 7,
    ThreadExList = 8,
    Memory64List = 9,
    CommentStreamA = 10,
    CommentStreamW = 11,
    HandleData = 12,
    FunctionTable = 13,
    UnloadedModuleList = 14,
    MiscInfo = 15,
    MemoryInfoList = 16,
    ThreadInfoList = 17,
    HandleOperationList = 18,
    Token = 19,
    JavaScriptData = 20,
    SystemMemoryInfo = 21,
    ProcessVmCounters = 22,
    IptTrace = 23,
    ThreadNames = 24,
    BreakpadInfo = 0x47670001,
    BreakpadAssertionInfo = 0x47670002,
    LinuxCpuInfo = 0x47670003,
    LinuxProcStatus = 0x47670004,
    LinuxLsbRelease = 0x47670005,
    LinuxCmdLine = 0x47670006,
    LinuxEnviron = 0x47670007,
    LinuxAuxv = 0x47670008,
    LinuxMaps = 0x47670009,
    LinuxDsoDebug = 0x4767000A,
    CrashpadInfo = 0x43500001,
}

public static class MinidumpStreamTypeNames
{
    /// <summary>A readable name for any stream type, including ones this reader does not know.</summary>
    public static string Describe(uint type) =>
        Enum.IsDefined(typeof(MinidumpStreamType), type) ? ((MinidumpStreamType)type).ToString() : $"unknown stream 0x{type:x}";
}
