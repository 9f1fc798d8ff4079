namespace Ntdbg.Formats.Breakpad;

/// <summary>
/// The rule text of a STACK CFI record: `name: expression name: expression ...`, where a name is a
/// token ending in ':' (".cfa:", ".ra:", "$ebp:", "rbx:") and the expression is every token up to
/// the next name. Names and expressions are kept exactly as written (expressions with their inner
/// spacing); evaluating them is the stack walker's business.
/// </summary>
public static class BreakpadCfiRules
{
    /// <summary>Why the rules are malformed, or null when they are well formed.</summary>
    public static string? Check(ReadOnlySpan<char> rules)
    {
        var e = new Enumerator(rules);
        int count = 0;
        while (e.MoveNext(out _, out _, out string? error))
        {
            if (error != null) return error;
            count++;
        }
        return count == 0 ? "CFI rules are empty" : null;
    }

    /// <summary>Applies each rule to <paramref name="into"/>: a later rule for the same register replaces the earlier one.</summary>
    public static void Apply(string rules, Dictionary<string, string> into)
    {
        var e = new Enumerator(rules);
        while (e.MoveNext(out var name, out var expression, out string? error))
        {
            if (error != null) return; // rules were checked at load; a bad one here adds nothing
            into[name.ToString()] = expression.ToString();
        }
    }

    /// <summary>Walks the (name, expression) pairs without allocating.</summary>
    private ref struct Enumerator(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _pos;

        public bool MoveNext(out ReadOnlySpan<char> name, out ReadOnlySpan<char> expression, out string? error)
        {
            name = expression = default;
            error = null;
            var token = NextToken(out _);
            if (token.IsEmpty) return false;
            if (token[^1] != ':')
            {
                error = $"CFI rules must start with a register name ending in ':', not '{Clip(token)}'";
                return true;
            }
            if (token.Length == 1)
            {
                error = "CFI rule has an empty register name";
                return true;
            }
            name = token[..^1];
            int exprStart = -1, exprEnd = -1;
            while (true)
            {
                int save = _pos;
                var t = NextToken(out int start);
                if (t.IsEmpty || t[^1] == ':')
                {
                    _pos = save;
                    break;
                }
                if (exprStart < 0) exprStart = start;
                exprEnd = start + t.Length;
            }
            if (exprStart < 0)
            {
                error = $"CFI rule for '{Clip(name)}' has no expression";
                return true;
            }
            expression = _text[exprStart..exprEnd];
            return true;
        }

        private ReadOnlySpan<char> NextToken(out int start)
        {
            while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
            start = _pos;
            while (_pos < _text.Length && !char.IsWhiteSpace(_text[_pos])) _pos++;
            return _text[start.._pos];
        }
    }

    private static string Clip(ReadOnlySpan<char> s) => s.Length <= 40 ? s.ToString() : s[..40].ToString() + "…";
}
