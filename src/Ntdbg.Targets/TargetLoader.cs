using Ntdbg.Core.Errors;
using Ntdbg.Targets.Image;

namespace Ntdbg.Targets;

/// <summary>Temporary until the minidump branch lands its loader. Picks the reader by the file's magic.</summary>
public static class TargetLoader
{
    public static ITarget Open(string path)
    {
        var b = new byte[8];
        try
        {
            using var f = File.OpenRead(path);
            f.ReadExactly(b, 0, (int)Math.Min(8, f.Length));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DumpFormatException(path, 0, e.Message);
        }
        if (b[0] == 'P' && b[1] == 'A' && b[2] == 'G' && b[3] == 'E') return Kernel.KernelDumpTarget.Open(path);
        if (b[0] == 'M' && b[1] == 'Z') return ImageTarget.Open(path);
        throw new DumpFormatException(path, 0, "no target readers are registered yet for this format");
    }
}
