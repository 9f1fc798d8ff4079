using System.Text;

namespace Ntdbg.Formats.Breakpad;

/// <summary>
/// One string per distinct text for the fields that repeat thousands of times (STACK WIN
/// programs, CFI rules): a big symbol file then holds a few hundred strings instead of one per line.
/// </summary>
internal sealed class BreakpadStringPool
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private char[] _buffer = new char[256];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        int max = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (_buffer.Length < max) _buffer = new char[Math.Max(max, _buffer.Length * 2)];
        var chars = _buffer.AsSpan(0, Encoding.UTF8.GetChars(utf8, _buffer));
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars, out var s)) return s;
        s = new string(chars);
        _strings.Add(s, s);
        return s;
    }
}
