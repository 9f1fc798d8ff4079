using System.Text;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Errors;

namespace Ntdbg.Commands.Commands.Display;

/// <summary>da and du: an ASCII or UTF-16 string, up to its terminator or the range's end.</summary>
[Command("da", Aliases = ["du"], Summary = "Display an ASCII (da) or Unicode (du) string",
    Usage = "d{a|u} [Address [L[?]Count | EndAddress]]")]
public sealed class DisplayStringCommand : ICommand
{
    /// <summary>Without a length, WinDbg stops at the terminator or after 0x100 characters.</summary>
    private const int DefaultChars = 0x100;
    /// <summary>Characters per output line, as WinDbg wraps long strings.</summary>
    private const int CharsPerLine = 48;

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        bool unicode = context.Name.Equals("du", StringComparison.OrdinalIgnoreCase);
        int charSize = unicode ? 2 : 1;
        var range = context.Args.ReadRange(charSize, (ulong)(DefaultChars * charSize), (ulong)Limits.MaxDisplayBytes, s.NextDisplayAddress);
        int length = (int)DisplayLimit.Check(range.Length);
        var read = HoleyRead.Read(s.Memory, range.Start, length);

        var lines = new List<StringDisplayLine>();
        var sb = new StringBuilder();
        ulong lineStart = range.Start;
        int off = 0;
        bool terminated = false;
        for (; off + charSize <= length; off += charSize)
        {
            if (!read.AllValid(off, charSize)) break;
            int ch = unicode ? BitConverter.ToUInt16(read.Data, off) : read.Data[off];
            if (ch == 0) { terminated = true; break; }
            sb.Append(ch < 0x20 || ch == 0x7f ? '.' : (char)ch);
            if (sb.Length == CharsPerLine)
            {
                lines.Add(new StringDisplayLine(lineStart, sb.ToString(), false));
                sb.Clear();
                lineStart = range.Start + (ulong)(off + charSize);
            }
        }
        bool missing = off + charSize <= length && !terminated && !read.AllValid(off, charSize);
        if (sb.Length > 0 || lines.Count == 0 || terminated) lines.Add(new StringDisplayLine(lineStart, sb.ToString(), terminated));
        s.NextDisplayAddress = range.Start + (ulong)Math.Min(length, off + charSize);
        return new StringDisplayResult(unicode ? DisplayFormat.Unicode : DisplayFormat.Ascii, range.Start, s.PointerSize, lines,
            missing ? read.FirstFault : null);
    }
}
