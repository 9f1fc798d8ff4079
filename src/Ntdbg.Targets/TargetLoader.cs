using Ntdbg.Core.Errors;

namespace Ntdbg.Targets;

/// <summary>Temporary until the minidump branch lands its loader.</summary>
public static class TargetLoader
{
    public static ITarget Open(string path)
    {
        var b = new byte[8];
        using (var f = File.OpenRead(path)) f.ReadExactly(b, 0, Math.Min(8, (int)f.Length));
        if (b[0] == 'P' && b[1] == 'A' && b[2] == 'G' && b[3] == 'E') return Kernel.KernelDumpTarget.Open(path);
        throw new DumpFormatException(path, 0, "no target readers are registered yet");
    }
}
