using Ntdbg.Core.Errors;

namespace Ntdbg.Targets;

/// <summary>Temporary until the minidump branch lands its loader.</summary>
public static class TargetLoader
{
    public static ITarget Open(string path) => throw new DumpFormatException(path, 0, "no target readers are registered yet");
}
