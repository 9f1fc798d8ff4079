using Ntdbg.Core.Errors;
using Ntdbg.Targets.Image;

namespace Ntdbg.Targets;

/// <summary>Temporary until the minidump branch lands its loader. Knows PE images ('MZ') so far.</summary>
public static class TargetLoader
{
    public static ITarget Open(string path)
    {
        Span<byte> magic = stackalloc byte[2];
        try
        {
            using var stream = File.OpenRead(path);
            if (stream.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == (byte)'M' && magic[1] == (byte)'Z')
                return ImageTarget.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DumpFormatException(path, 0, e.Message);
        }
        throw new DumpFormatException(path, 0, "no target readers are registered yet for this format");
    }
}
