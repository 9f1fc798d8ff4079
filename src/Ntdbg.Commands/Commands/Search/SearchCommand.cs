using System.Text;
using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Search;

/// <summary>
/// s -a|-u|-b|-w|-d|-q Range Pattern: search memory. "-[1]a" prints addresses only. Word, dword
/// and qword searches match at addresses aligned to the element size.
/// </summary>
[Command("s", Summary = "Search memory for a string or values",
    Usage = "s [-[1]]{a|u|b|w|d|q} Range Pattern   (Range: Start End | Start L[?]Length)")]
public sealed class SearchCommand : ICommand
{
    /// <summary>A runaway search stops here rather than print millions of lines.</summary>
    public const int MaxHits = 100_000;

    public object? Execute(CommandContext context)
    {
        var args = context.Args;
        var s = context.Session;
        bool addressesOnly = false;
        SearchKind kind = SearchKind.Bytes;
        string? opt = args.TryOption("-");
        if (opt != null)
        {
            if (opt.StartsWith("[", StringComparison.Ordinal))
            {
                int close = opt.IndexOf(']');
                if (close < 0) throw new CommandException($"Syntax error at '-{opt}'");
                addressesOnly = opt[1..close].Contains('1');
                opt = opt[(close + 1)..];
            }
            kind = opt.ToLowerInvariant() switch
            {
                "a" => SearchKind.Ascii,
                "u" => SearchKind.Unicode,
                "b" or "" => SearchKind.Bytes,
                "w" => SearchKind.Words,
                "d" => SearchKind.Dwords,
                "q" => SearchKind.Qwords,
                _ => throw new CommandException($"Unknown search type '-{opt}' (use -a, -u, -b, -w, -d or -q)"),
            };
        }
        int elementSize = kind switch { SearchKind.Words => 2, SearchKind.Dwords => 4, SearchKind.Qwords => 8, _ => 1 };
        // WinDbg's s limits ranges to 256 MiB without L?.
        var range = args.ReadRange(elementSize, 0, 0x10000000);
        if (range.Length == 0) throw new CommandException("Syntax error: s needs a range (Start End or Start L Length)");
        byte[] pattern = ReadPattern(args, kind, elementSize);

        var hits = new List<SearchHit>();
        var stats = MemorySearcher.Search(s.Memory, range.Start, range.End, pattern, elementSize, MaxHits, at =>
        {
            var read = addressesOnly ? null : HoleyRead.Read(s.Memory, at, 16);
            hits.Add(new SearchHit(at, read?.Data ?? [], read?.Valid ?? []));
        });
        return new SearchResult(kind, s.PointerSize, addressesOnly, hits, stats.BytesScanned, stats.Truncated);
    }

    private static byte[] ReadPattern(Language.ArgumentReader args, SearchKind kind, int elementSize)
    {
        if (kind is SearchKind.Ascii or SearchKind.Unicode)
        {
            string text = args.Peek == '"' ? args.ReadQuoted() : args.ReadWord();
            if (text.Length == 0) throw new CommandException("Syntax error: a search string is missing");
            return kind == SearchKind.Ascii ? Encoding.Latin1.GetBytes(text) : Encoding.Unicode.GetBytes(text);
        }
        var bytes = new List<byte>();
        while (!args.AtEnd)
        {
            if (args.Peek == '"')
            {
                bytes.AddRange(Encoding.Latin1.GetBytes(args.ReadQuoted()));
                continue;
            }
            // WinDbg accepts character constants for values: s -d @rsp L100 'H'.
            ulong v = args.Peek == '\'' ? ReadCharConstant(args) : args.ReadExpression();
            if (elementSize < 8 && v >> (elementSize * 8) != 0)
                throw new CommandException($"Value {v:x} does not fit in {elementSize} byte(s)");
            for (int i = 0; i < elementSize; i++) bytes.Add((byte)(v >> (8 * i)));
        }
        if (bytes.Count == 0) throw new CommandException("Syntax error: a search pattern is missing");
        return [.. bytes];
    }

    /// <summary>'H' is 0x48; 'AB' is 0x4142, as a C multi-character constant.</summary>
    private static ulong ReadCharConstant(Language.ArgumentReader args)
    {
        string word = args.ReadWord();
        if (word.Length < 3 || word[^1] != '\'' || word.Length > 10)
            throw new CommandException($"Syntax error at '{word}': a character constant is 1 to 8 characters in single quotes");
        ulong v = 0;
        foreach (char c in word[1..^1]) v = (v << 8) | (byte)c;
        return v;
    }
}
