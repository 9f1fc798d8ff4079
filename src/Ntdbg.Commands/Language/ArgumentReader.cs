using System.Text;

namespace Ntdbg.Commands.Language;

/// <summary>An address range as WinDbg ranges are written: "addr L count", "addr L?count", "start end".</summary>
public readonly record struct AddressRange(ulong Start, ulong Length)
{
    public ulong End => Start + Length;
}

/// <summary>
/// Walks a command's argument text: options ("-a", "/f"), expressions, quoted strings, ranges.
/// Expressions stop where the next argument starts, as in WinDbg.
/// </summary>
public sealed class ArgumentReader(string text, ExpressionEvaluator evaluator)
{
    private int _pos;

    public string Text { get; } = text;
    public bool AtEnd { get { SkipSpaces(); return _pos >= Text.Length; } }
    public string Rest { get { SkipSpaces(); return Text[_pos..]; } }
    public char Peek { get { SkipSpaces(); return _pos < Text.Length ? Text[_pos] : '\0'; } }

    public void SkipSpaces()
    {
        while (_pos < Text.Length && char.IsWhiteSpace(Text[_pos])) _pos++;
    }

    /// <summary>Consumes an option such as "-a" or "/f" (any of the given prefixes) and returns its letters.</summary>
    public string? TryOption(string prefixes = "-/")
    {
        SkipSpaces();
        if (_pos < Text.Length && prefixes.Contains(Text[_pos]) && _pos + 1 < Text.Length && !char.IsWhiteSpace(Text[_pos + 1]))
        {
            int s = ++_pos;
            while (_pos < Text.Length && !char.IsWhiteSpace(Text[_pos]) && Text[_pos] != '"') _pos++;
            return Text[s.._pos];
        }
        return null;
    }

    /// <summary>Consumes the next whitespace-delimited word.</summary>
    public string ReadWord()
    {
        SkipSpaces();
        int s = _pos;
        while (_pos < Text.Length && !char.IsWhiteSpace(Text[_pos])) _pos++;
        return Text[s.._pos];
    }

    public bool TryKeyword(string word)
    {
        SkipSpaces();
        int end = _pos + word.Length;
        if (string.Compare(Text, _pos, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0 &&
            (end == Text.Length || char.IsWhiteSpace(Text[end])))
        {
            _pos = end;
            return true;
        }
        return false;
    }

    public ulong ReadExpression()
    {
        SkipSpaces();
        if (_pos >= Text.Length) throw new ExpressionException("Syntax error: an expression is missing");
        _pos = evaluator.Evaluate(Text, _pos, out ulong v);
        return v;
    }

    public ulong? TryReadExpression() => AtEnd ? null : ReadExpression();

    /// <summary>A double-quoted string with \" and \\ escapes.</summary>
    public string ReadQuoted()
    {
        SkipSpaces();
        if (_pos >= Text.Length || Text[_pos] != '"') throw new ExpressionException($"Syntax error at '{Rest}': a quoted string is expected");
        _pos++;
        var sb = new StringBuilder();
        while (_pos < Text.Length && Text[_pos] != '"')
        {
            if (Text[_pos] == '\\' && _pos + 1 < Text.Length && (Text[_pos + 1] == '"' || Text[_pos + 1] == '\\')) _pos++;
            sb.Append(Text[_pos++]);
        }
        if (_pos >= Text.Length) throw new ExpressionException("Syntax error: unterminated string");
        _pos++;
        return sb.ToString();
    }

    /// <summary>
    /// Reads "start [L[?]count | end]". Count is in elements of <paramref name="elementSize"/>.
    /// Without "?", a range over <paramref name="maxBytes"/> is refused, as WinDbg refuses it.
    /// </summary>
    public AddressRange ReadRange(int elementSize, ulong defaultBytes, ulong maxBytes, ulong? defaultStart = null)
    {
        SkipSpaces();
        ulong start;
        if (AtEnd || IsLengthPrefix())
            start = defaultStart ?? throw new ExpressionException("Syntax error: an address is missing");
        else
            start = ReadExpression();
        return ReadRangeTail(start, elementSize, defaultBytes, maxBytes);
    }

    public AddressRange ReadRangeTail(ulong start, int elementSize, ulong defaultBytes, ulong maxBytes)
    {
        SkipSpaces();
        if (IsLengthPrefix())
        {
            _pos++;
            bool unchecked_ = false;
            if (_pos < Text.Length && Text[_pos] == '?') { unchecked_ = true; _pos++; }
            ulong count = ReadExpression();
            ulong bytes = count > ulong.MaxValue / (ulong)elementSize ? ulong.MaxValue : count * (ulong)elementSize;
            if (!unchecked_ && bytes > maxBytes)
                throw new ExpressionException($"Range error: 0x{bytes:x} bytes is too large; use L? to override (limit 0x{maxBytes:x})");
            if (bytes > ulong.MaxValue - start) bytes = ulong.MaxValue - start;
            return new AddressRange(start, bytes);
        }
        if (!AtEnd && StartsExpression())
        {
            int save = _pos;
            ulong end = ReadExpression();
            if (end < start) { _pos = save; throw new ExpressionException($"Range error: end {end:x} is below start {start:x}"); }
            // WinDbg ranges include the end address.
            ulong bytes = end - start + 1;
            if (bytes > maxBytes) throw new ExpressionException($"Range error: 0x{bytes:x} bytes is too large (limit 0x{maxBytes:x})");
            return new AddressRange(start, bytes);
        }
        return new AddressRange(start, defaultBytes);
    }

    private bool IsLengthPrefix()
    {
        if (_pos >= Text.Length || (Text[_pos] != 'L' && Text[_pos] != 'l')) return false;
        if (_pos + 1 >= Text.Length) return false;
        char n = Text[_pos + 1];
        return n == '?' || char.IsAsciiHexDigit(n) || n == '(' || n == '@' || n == '$' || n == '0';
    }

    private bool StartsExpression()
    {
        char c = Text[_pos];
        return c != '"' && c != ';';
    }
}
