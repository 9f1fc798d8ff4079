namespace Ntdbg.Tests.Fixtures;

/// <summary>Minidump stream type numbers (minidumpapiset.h).</summary>
public static class FixtureStreamType
{
    public const uint ThreadList = 3, ModuleList = 4, MemoryList = 5, ExceptionInfo = 6, SystemInfo = 7,
        Memory64List = 9, CommentA = 10, CommentW = 11, HandleData = 12, UnloadedModuleList = 14,
        MiscInfo = 15, MemoryInfoList = 16, ThreadInfoList = 17, ThreadNames = 24;
}
