namespace Ntdbg.Symbols.Demangle;

internal sealed partial class MsvcParser
{
    /// <summary>A symbol's name: its unqualified name (possibly an operator) and its scopes.</summary>
    private QualifiedName ParseSymbolName()
    {
        var first = ParseUnqualifiedName(allowOperator: true);
        return ParseScopes(first);
    }

    /// <summary>A type's name (class, struct, enum): no operators in first place.</summary>
    private QualifiedName ParseTypeName()
    {
        var first = ParseUnqualifiedName(allowOperator: false);
        return ParseScopes(first);
    }

    private NameNode ParseUnqualifiedName(bool allowOperator)
    {
        char c = Peek;
        if (c >= '0' && c <= '9') return NameBackref();
        // A symbol's own template name is not remembered; a type's is.
        if (c == '?' && PeekAt(1) == '$') return ParseTemplateName(memorize: !allowOperator);
        if (c == '?')
        {
            if (!allowOperator) throw Fail("operator in type name");
            _pos++;
            return ParseOperatorName();
        }
        return ParseSimpleName(memorize: true);
    }

    private NameNode NameBackref()
    {
        int i = Next() - '0';
        if (i >= _names.Count) throw Fail("name back-reference out of range");
        return _names[i];
    }

    private SimpleName ParseSimpleName(bool memorize)
    {
        int end = _s.IndexOf('@', _pos);
        if (end <= _pos) throw Fail("empty or unterminated name");
        var name = new SimpleName(_s.Substring(_pos, end - _pos));
        _pos = end + 1;
        if (memorize) MemorizeName(name);
        return name;
    }

    private QualifiedName ParseScopes(NameNode first)
    {
        var parts = new List<NameNode> { first };
        Enter();
        while (!Consume('@'))
        {
            if (AtEnd) throw Fail("unterminated scope list");
            if (parts.Count > 256) throw Fail("too many scopes");
            parts.Add(ParseScope());
        }
        Leave();
        parts.Reverse();
        // Constructors and destructors are named after the class that encloses them.
        if (parts.Count > 1)
        {
            if (first is StructorName s) s.Class = parts[^2];
            else if (first is TemplateName { BaseName: StructorName ts }) ts.Class = parts[^2];
        }
        return new QualifiedName(parts);
    }

    private NameNode ParseScope()
    {
        char c = Peek;
        if (c >= '0' && c <= '9') return NameBackref();
        if (c != '?') return ParseSimpleName(memorize: true);
        char d = PeekAt(1);
        if (d == '$') return ParseTemplateName(memorize: true);
        if (d == '?')
        {
            // A function-local scope: the enclosing function's whole decorated name.
            // It shares the back-reference tables of the name it scopes.
            _pos++;
            return new LocalScopeName(ParseSymbol());
        }
        if (d == 'A')
        {
            _pos++;
            int end = _s.IndexOf('@', _pos);
            if (end < 0) throw Fail("unterminated anonymous namespace");
            _pos = end + 1;
            var anon = new SimpleName("`anonymous namespace'");
            MemorizeName(anon);
            return anon;
        }
        // A numbered block scope inside a function (`2'), always followed by the function's
        // decorated name; anything else starting with '?' is read as a plain identifier.
        if (IsNumberedScopeAhead())
        {
            _pos++;
            return new SimpleName("`" + SignedText(ParseNumber()) + "'");
        }
        return ParseSimpleName(memorize: true);
    }

    /// <summary>'?', an encoded number, then "??" (looked at without consuming or throwing).</summary>
    private bool IsNumberedScopeAhead()
    {
        int p = _pos + 1;
        if (p < _s.Length && _s[p] >= '0' && _s[p] <= '9') p++;
        else
        {
            while (p < _s.Length && _s[p] >= 'A' && _s[p] <= 'P') p++;
            if (p >= _s.Length || _s[p] != '@') return false;
            p++;
        }
        return p + 1 < _s.Length && _s[p] == '?' && _s[p + 1] == '?';
    }

    private (List<NameNode>, List<TypeNode>) SaveBackrefs()
    {
        var saved = (_names, _types);
        _names = new List<NameNode>();
        _types = new List<TypeNode>();
        return saved;
    }

    private void RestoreBackrefs((List<NameNode> Names, List<TypeNode> Types) saved)
    {
        _names = saved.Names;
        _types = saved.Types;
    }

    /// <summary><c>?$name@args@</c>: the arguments have their own back-reference tables.</summary>
    private NameNode ParseTemplateName(bool memorize)
    {
        _pos += 2;
        Enter();
        var saved = SaveBackrefs();
        NameNode baseName;
        if (Consume('?')) baseName = ParseOperatorName();
        else baseName = ParseSimpleName(memorize: true);
        var args = ParseTemplateArgs();
        RestoreBackrefs(saved);
        Leave();
        var t = new TemplateName(baseName, args);
        if (memorize) MemorizeName(t);
        return t;
    }

    private List<TemplateArg> ParseTemplateArgs()
    {
        var args = new List<TemplateArg>();
        while (!Consume('@'))
        {
            if (AtEnd) throw Fail("unterminated template arguments");
            if (args.Count > 256) throw Fail("too many template arguments");
            if (Consume("$$V") || Consume("$$Z") || Consume("$$$V")) continue;
            if (Consume("$0"))
            {
                args.Add(new TextArg(SignedText(ParseNumber())));
                continue;
            }
            if (Consume("$1"))
            {
                args.Add(new SymbolArg(ParseSymbol(), "&"));
                continue;
            }
            if (Consume("$E"))
            {
                args.Add(new SymbolArg(ParseSymbol(), ""));
                continue;
            }
            if (Consume("$D"))
            {
                args.Add(new TextArg("`template-parameter" + SignedText(ParseNumber()) + "'"));
                continue;
            }
            if (Consume("$Q"))
            {
                args.Add(new TextArg("`non-type-template-parameter" + SignedText(ParseNumber()) + "'"));
                continue;
            }
            if (Peek == '$' && (PeekAt(1) == 'H' || PeekAt(1) == 'I' || PeekAt(1) == 'J'))
            {
                // A pointer to member: {symbol, this-adjustment[, vbptr offset[, vbtable index]]}.
                int extra = PeekAt(1) - 'H' + 1;
                _pos += 2;
                args.Add(new MemberPointerArg(ParseSymbol(), Enumerable.Range(0, extra).Select(_ => SignedText(ParseNumber())).ToArray()));
                continue;
            }
            if (Consume("$$Y"))
            {
                args.Add(new TypeArg(new TagType("", ParseTypeName())));
                continue;
            }
            if (Peek == '$' && PeekAt(1) != '$') throw Fail("unsupported template argument");
            if (Consume("$$B")) { }
            args.Add(new TypeArg(ParseType()));
        }
        return args;
    }
}
