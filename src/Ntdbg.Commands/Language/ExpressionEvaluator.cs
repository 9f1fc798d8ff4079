namespace Ntdbg.Commands.Language;

/// <summary>
/// WinDbg's MASM expression syntax: hex by default, registers (@rip or rip), pseudo-registers
/// ($ip, @$t0), module and symbol names, poi/dwo/qwo/wo/by/hi/low, and the C operators with
/// MASM's precedence. Parsing stops at the first character that cannot continue the expression,
/// so one argument string can hold several expressions ("esp esp+8", "1000 L10").
/// </summary>
public sealed class ExpressionEvaluator(IExpressionScope scope)
{
    /// <summary>Nesting deeper than this is refused, so hostile input cannot overflow the stack.</summary>
    public const int MaxDepth = 200;

    /// <summary>Template argument lists longer than this are not looked for inside a symbol name.</summary>
    public const int MaxTemplateArgumentsLength = 1024;

    private string _text = "";
    private int _pos;
    private int _depth;

    public ulong Evaluate(string text)
    {
        int end = Evaluate(text, 0, out ulong value);
        SkipSpaces(text, ref end);
        if (end < text.Length) throw new ExpressionException($"Syntax error at '{text[end..]}'");
        return value;
    }

    /// <summary>Evaluates one expression starting at <paramref name="start"/>; returns where it ended.</summary>
    public int Evaluate(string text, int start, out ulong value)
    {
        _text = text;
        _pos = start;
        _depth = 0;
        SkipSpaces();
        if (AtEnd) throw new ExpressionException($"Syntax error at '{text[start..]}'");
        value = ParseOr();
        return _pos;
    }

    private bool AtEnd => _pos >= _text.Length;
    private char Peek(int ahead = 0) => _pos + ahead < _text.Length ? _text[_pos + ahead] : '\0';
    private string Rest => _text[Math.Min(_pos, _text.Length)..];

    private void SkipSpaces() => SkipSpaces(_text, ref _pos);

    private static void SkipSpaces(string s, ref int p)
    {
        while (p < s.Length && (s[p] == ' ' || s[p] == '\t')) p++;
    }

    /// <summary>Looks past spaces for a binary operator; spaces around operators are allowed.</summary>
    private bool TryOperator(string op)
    {
        int p = _pos;
        SkipSpaces(_text, ref p);
        if (string.CompareOrdinal(_text, p, op, 0, op.Length) != 0) return false;
        // "=" must not match the start of "==" handled elsewhere; "<" must not match "<<" etc.
        int after = p + op.Length;
        if ((op == "<" || op == ">") && after < _text.Length && (_text[after] == op[0] || _text[after] == '=')) return false;
        if ((op == "&" || op == "|") && after < _text.Length && _text[after] == op[0]) return false;
        if (op == "=" && after < _text.Length && _text[after] == '=') return false;
        // An operand must follow a binary operator; otherwise the text is the next argument.
        int q = after;
        SkipSpaces(_text, ref q);
        if (q >= _text.Length) return false;
        _pos = after;
        return true;
    }

    private ulong ParseOr()
    {
        ulong v = ParseXor();
        while (TryOperator("|")) v |= ParseXor();
        return v;
    }

    private ulong ParseXor()
    {
        ulong v = ParseAnd();
        while (TryOperator("^")) v ^= ParseAnd();
        return v;
    }

    private ulong ParseAnd()
    {
        ulong v = ParseCompare();
        while (TryOperator("&")) v &= ParseCompare();
        return v;
    }

    private ulong ParseCompare()
    {
        ulong v = ParseShift();
        while (true)
        {
            if (TryOperator("==") || TryOperator("=")) v = v == ParseShift() ? 1UL : 0;
            else if (TryOperator("!=")) v = v != ParseShift() ? 1UL : 0;
            else if (TryOperator("<=")) v = (long)v <= (long)ParseShift() ? 1UL : 0;
            else if (TryOperator(">=")) v = (long)v >= (long)ParseShift() ? 1UL : 0;
            else if (TryOperator("<")) v = (long)v < (long)ParseShift() ? 1UL : 0;
            else if (TryOperator(">")) v = (long)v > (long)ParseShift() ? 1UL : 0;
            else return v;
        }
    }

    private ulong ParseShift()
    {
        ulong v = ParseAdditive();
        while (true)
        {
            if (TryOperator("<<")) v <<= (int)(ParseAdditive() & 63);
            else if (TryOperator(">>>")) v = (ulong)((long)v >> (int)(ParseAdditive() & 63));
            else if (TryOperator(">>")) v >>= (int)(ParseAdditive() & 63);
            else return v;
        }
    }

    private ulong ParseAdditive()
    {
        ulong v = ParseMultiplicative();
        while (true)
        {
            if (TryOperator("+")) v += ParseMultiplicative();
            else if (TryOperator("-")) v -= ParseMultiplicative();
            else return v;
        }
    }

    private ulong ParseMultiplicative()
    {
        ulong v = ParseUnary();
        while (true)
        {
            if (TryOperator("*")) v *= ParseUnary();
            else if (TryOperator("/")) v = Divide(v, ParseUnary(), false);
            else if (TryOperator("%")) v = Divide(v, ParseUnary(), true);
            else if (TryKeywordOperator("mod")) v = Divide(v, ParseUnary(), true);
            else return v;
        }
    }

    private ulong Divide(ulong a, ulong b, bool remainder)
    {
        if (b == 0) throw new ExpressionException($"Divide by zero error at '{Rest}'");
        return remainder ? a % b : a / b;
    }

    private bool TryKeywordOperator(string word)
    {
        int p = _pos;
        SkipSpaces(_text, ref p);
        if (p == _pos) return false; // keywords need surrounding spaces
        if (string.Compare(_text, p, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
        int after = p + word.Length;
        if (after >= _text.Length || _text[after] != ' ') return false;
        _pos = after;
        return true;
    }

    private ulong ParseUnary()
    {
        if (++_depth > MaxDepth) throw new ExpressionException($"Expression too complex: nesting deeper than {MaxDepth} at '{Rest}'");
        try
        {
            return ParseUnaryInner();
        }
        finally
        {
            _depth--;
        }
    }

    private ulong ParseUnaryInner()
    {
        SkipSpaces();
        char c = Peek();
        if (c == '-') { _pos++; return (ulong)-(long)ParseUnary(); }
        if (c == '+') { _pos++; return ParseUnary(); }
        if (c == '~') { _pos++; return ~ParseUnary(); }
        if (c == '!' && Peek(1) != '=') { _pos++; return ParseUnary() == 0 ? 1UL : 0; }
        return ParsePrimary();
    }

    private ulong ParsePrimary()
    {
        SkipSpaces();
        if (AtEnd) throw new ExpressionException("Syntax error at end of expression");
        char c = Peek();
        if (c == '(' || c == '[')
        {
            char close = c == '(' ? ')' : ']';
            _pos++;
            ulong inner = ParseOr();
            SkipSpaces();
            if (Peek() != close) throw new ExpressionException($"Syntax error at '{Rest}'");
            _pos++;
            return inner;
        }
        int start = _pos;
        if (c == '@' && Peek(1) == '!' && Peek(2) == '"') return ParseQuotedSymbol(start);
        string token = ReadToken();
        if (token.Length == 0) throw new ExpressionException($"Syntax error at '{_text[start..]}'");
        if (Peek() == '<') token = ExtendTemplateName(start, token);

        // Functions: poi(x), dwo(x)...
        SkipSpacesBeforeParen(out bool hasParen);
        if (hasParen && TryFunction(token, start, out ulong fv)) return fv;
        return ResolveToken(token, start);
    }

    /// <summary>@!"name": a symbol whose name holds characters an expression cannot (spaces, operators).</summary>
    private ulong ParseQuotedSymbol(int start)
    {
        int close = _text.IndexOf('"', _pos + 3);
        if (close < 0) throw new ExpressionException($"Syntax error at '{_text[start..]}': the quoted symbol name is not closed");
        string name = _text[(_pos + 3)..close];
        _pos = close + 1;
        if (name.Length > 0 && scope.TryResolveSymbol(name, out ulong v)) return v;
        throw Unresolved(_text[start..]);
    }

    /// <summary>
    /// "mod!Foo<int,Bar<char> >::Get": '<' is also the less-than operator, so a balanced angle-bracket
    /// list (and the name parts after it) joins the token only when the longer name is a symbol.
    /// </summary>
    private string ExtendTemplateName(int start, string token)
    {
        // Only names that look qualified ("mod!", "Ns::") try it, and the scan is capped, so an
        // expression full of '<' stays linear.
        if (!token.Contains('!') && !token.Contains("::", StringComparison.Ordinal)) return token;
        int save = _pos;
        int limit = Math.Min(_text.Length, _pos + MaxTemplateArgumentsLength);
        string candidate = token;
        while (Peek() == '<')
        {
            int depth = 0, p = _pos;
            for (; p < limit; p++)
            {
                char ch = _text[p];
                if (ch == '<') depth++;
                else if (ch == '>' && --depth == 0) break;
                else if (ch is '(' or ')' or ';' or '"') { p = limit; break; }
            }
            if (p >= limit) break;
            _pos = p + 1;
            while (!AtEnd && IsTokenChar(Peek(), false)) _pos++;
            candidate = _text[start.._pos];
        }
        if (candidate.Length > token.Length && scope.TryResolveSymbol(candidate, out _)) return candidate;
        _pos = save;
        return token;
    }

    private void SkipSpacesBeforeParen(out bool hasParen)
    {
        int p = _pos;
        SkipSpaces(_text, ref p);
        hasParen = p < _text.Length && _text[p] == '(';
        if (hasParen) _pos = p;
    }

    private bool TryFunction(string name, int start, out ulong value)
    {
        value = 0;
        int size = name.ToLowerInvariant() switch
        {
            "poi" => scope.PointerSize,
            "qwo" => 8,
            "dwo" => 4,
            "wo" => 2,
            "by" => 1,
            "hi" => -1,
            "low" => -2,
            _ => 0,
        };
        if (size == 0) return false;
        _pos++; // '('
        ulong arg = ParseOr();
        SkipSpaces();
        if (Peek() != ')') throw new ExpressionException($"Syntax error at '{Rest}'");
        _pos++;
        value = size switch
        {
            -1 => (arg >> 16) & 0xffff,
            -2 => arg & 0xffff,
            _ => scope.ReadMemory(arg, size),
        };
        return true;
    }

    private string ReadToken()
    {
        int s = _pos;
        while (!AtEnd && IsTokenChar(Peek(), _pos == s)) _pos++;
        return _text[s.._pos];
    }

    private static bool IsTokenChar(char c, bool first) =>
        char.IsLetterOrDigit(c) || c is '_' or '$' or '@' or '!' or '`' or '?' or '.' or ':' || (!first && c == '#');

    private ulong ResolveToken(string token, int start)
    {
        string where = _text[start..];
        if (token.StartsWith("@$", StringComparison.Ordinal))
            return scope.TryGetPseudoRegister(token[2..], out var pv) ? pv : throw Unresolved(where);
        if (token.StartsWith('$'))
            return scope.TryGetPseudoRegister(token[1..], out var pv) ? pv : throw Unresolved(where);
        if (token.StartsWith('@'))
        {
            if (token.StartsWith("@#", StringComparison.Ordinal)) throw Unresolved(where);
            return scope.TryGetRegister(token[1..], out var rv) ? rv : throw new ExpressionException($"Bad register error at '{where}'");
        }
        if (!token.Contains('!') && NumberParser.TryParse(token, 16, out ulong n)) return n;
        if (token.Contains('!') || char.IsLetter(token[0]) || token[0] == '_')
        {
            if (scope.TryResolveSymbol(token, out ulong sv)) return sv;
            if (!token.Contains('!') && scope.TryGetRegister(token, out ulong rv)) return rv;
        }
        // Numbers like "0n12" or a malformed number.
        throw Unresolved(where);
    }

    private static ExpressionException Unresolved(string where) => new($"Couldn't resolve error at '{where}'");
}
