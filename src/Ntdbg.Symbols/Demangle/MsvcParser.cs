namespace Ntdbg.Symbols.Demangle;

/// <summary>
/// Recursive-descent parser for Microsoft C++ decorated names. One instance per input; every
/// failure is a <see cref="DemangleFailure"/>. Recursion is capped by <see cref="MaxDepth"/>
/// and each step consumes input, so garbage cannot loop.
/// </summary>
internal sealed partial class MsvcParser
{
    public const int MaxDepth = 64;
    private const int MaxBackrefs = 10;

    private readonly string _s;
    private int _pos;
    private int _depth;

    // MSVC remembers the first ten name fragments and the first ten multi-character parameter
    // types; digits refer back to them. Template argument lists get fresh tables.
    private List<NameNode> _names = new();
    private List<TypeNode> _types = new();

    public MsvcParser(string decorated) => _s = decorated;

    private bool AtEnd => _pos >= _s.Length;
    private char Peek => _pos < _s.Length ? _s[_pos] : '\0';
    private char PeekAt(int ahead) => _pos + ahead < _s.Length ? _s[_pos + ahead] : '\0';

    private static DemangleFailure Fail(string why) => new(why);

    private char Next()
    {
        if (_pos >= _s.Length) throw Fail("unexpected end");
        return _s[_pos++];
    }

    private bool Consume(char c)
    {
        if (Peek != c) return false;
        _pos++;
        return true;
    }

    private bool Consume(string prefix)
    {
        if (string.CompareOrdinal(_s, _pos, prefix, 0, prefix.Length) != 0) return false;
        _pos += prefix.Length;
        return true;
    }

    private void Expect(char c)
    {
        if (!Consume(c)) throw Fail($"expected '{c}'");
    }

    private void Enter()
    {
        if (++_depth > MaxDepth) throw Fail("nesting too deep");
    }

    private void Leave() => _depth--;

    /// <summary>
    /// An encoded number: optional '?' for negative, then a digit (value + 1) or hex digits
    /// written A..P and closed by '@'.
    /// </summary>
    private (ulong Value, bool Negative) ParseNumber()
    {
        bool negative = Consume('?');
        char c = Next();
        if (c >= '0' && c <= '9') return ((ulong)(c - '0' + 1), negative);
        ulong value = 0;
        int digits = 0;
        while (c != '@')
        {
            if (c < 'A' || c > 'P') throw Fail("bad number");
            if (++digits > 16) throw Fail("number too long");
            value = (value << 4) | (uint)(c - 'A');
            c = Next();
        }
        if (digits == 0 && !negative) return (0, false);
        return (value, negative);
    }

    private static string SignedText((ulong Value, bool Negative) n) =>
        n.Negative && n.Value != 0 ? "-" + n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)
                                  : n.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void MemorizeName(NameNode n)
    {
        if (_names.Count < MaxBackrefs) _names.Add(n);
    }

    private void MemorizeType(TypeNode t)
    {
        if (_types.Count < MaxBackrefs) _types.Add(t);
    }
}
