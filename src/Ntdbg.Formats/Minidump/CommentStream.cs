using System.Text;
using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.Minidump;

/// <summary>CommentStreamA (10, ANSI) and CommentStreamW (11, UTF-16): NUL-terminated text filling the stream.</summary>
public static class CommentStream
{
    public static string Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (body.Truncated) dump.Warn($"{entry.TypeName} is cut off by the end of the file");
        var s = body.Data;
        int maxBytes = Limits.MaxStringChars * 2;
        if (s.Length > maxBytes)
        {
            dump.Warn($"{entry.TypeName}: comment of {s.Length} bytes shortened to {maxBytes}");
            s = s[..maxBytes];
        }
        if (entry.Type == MinidumpStreamType.CommentStreamW) return Ntdbg.Core.IO.Le.Utf16(s);
        int n = s.IndexOf((byte)0);
        return Encoding.Latin1.GetString(n < 0 ? s : s[..n]);
    }
}
