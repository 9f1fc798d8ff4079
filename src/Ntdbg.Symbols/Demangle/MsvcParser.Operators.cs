namespace Ntdbg.Symbols.Demangle;

internal sealed partial class MsvcParser
{
    private static readonly Dictionary<char, string> SingleCodeOperators = new()
    {
        ['2'] = "operator new",
        ['3'] = "operator delete",
        ['4'] = "operator=",
        ['5'] = "operator>>",
        ['6'] = "operator<<",
        ['7'] = "operator!",
        ['8'] = "operator==",
        ['9'] = "operator!=",
        ['A'] = "operator[]",
        ['C'] = "operator->",
        ['D'] = "operator*",
        ['E'] = "operator++",
        ['F'] = "operator--",
        ['G'] = "operator-",
        ['H'] = "operator+",
        ['I'] = "operator&",
        ['J'] = "operator->*",
        ['K'] = "operator/",
        ['L'] = "operator%",
        ['M'] = "operator<",
        ['N'] = "operator<=",
        ['O'] = "operator>",
        ['P'] = "operator>=",
        ['Q'] = "operator,",
        ['R'] = "operator()",
        ['S'] = "operator~",
        ['T'] = "operator^",
        ['U'] = "operator|",
        ['V'] = "operator&&",
        ['W'] = "operator||",
        ['X'] = "operator*=",
        ['Y'] = "operator+=",
        ['Z'] = "operator-=",
    };

    private static readonly Dictionary<char, string> UnderscoreOperators = new()
    {
        ['0'] = "operator/=",
        ['1'] = "operator%=",
        ['2'] = "operator>>=",
        ['3'] = "operator<<=",
        ['4'] = "operator&=",
        ['5'] = "operator|=",
        ['6'] = "operator^=",
        ['7'] = "`vftable'",
        ['8'] = "`vbtable'",
        ['9'] = "`vcall'",
        ['A'] = "`typeof'",
        ['B'] = "`local static guard'",
        ['D'] = "`vbase dtor'",
        ['E'] = "`vector deleting dtor'",
        ['F'] = "`default ctor closure'",
        ['G'] = "`scalar deleting dtor'",
        ['H'] = "`vector ctor iterator'",
        ['I'] = "`vector dtor iterator'",
        ['J'] = "`vector vbase ctor iterator'",
        ['K'] = "`virtual displacement map'",
        ['L'] = "`eh vector ctor iterator'",
        ['M'] = "`eh vector dtor iterator'",
        ['N'] = "`eh vector vbase ctor iterator'",
        ['O'] = "`copy ctor closure'",
        ['S'] = "`local vftable'",
        ['T'] = "`local vftable ctor closure'",
        ['U'] = "operator new[]",
        ['V'] = "operator delete[]",
        ['X'] = "`placement delete closure'",
        ['Y'] = "`placement delete[] closure'",
    };

    private static readonly Dictionary<char, string> DoubleUnderscoreOperators = new()
    {
        ['A'] = "`managed vector ctor iterator'",
        ['B'] = "`managed vector dtor iterator'",
        ['C'] = "`EH vector copy ctor iterator'",
        ['D'] = "`EH vector vbase copy ctor iterator'",
        ['G'] = "`vector copy ctor iterator'",
        ['H'] = "`vector vbase copy ctor iterator'",
        ['I'] = "`managed vector copy ctor iterator'",
        ['J'] = "`local static thread guard'",
        ['L'] = "operator co_await",
        ['M'] = "operator<=>",
    };

    /// <summary>The code after '?' in an unqualified-name position.</summary>
    private NameNode ParseOperatorName()
    {
        char c = Next();
        if (c == '0') return new StructorName(destructor: false);
        if (c == '1') return new StructorName(destructor: true);
        if (c == 'B') return _pendingConversion = new ConversionOperatorName();
        if (c != '_')
        {
            if (SingleCodeOperators.TryGetValue(c, out var op)) return new SimpleName(op);
            throw Fail("unknown operator code");
        }
        c = Next();
        if (c == 'R') return ParseRttiName();
        if (c == '_')
        {
            c = Next();
            if (c == 'K')
            {
                // A literal operator: operator "" _suffix.
                var suffix = ParseSimpleName(memorize: false);
                return new SimpleName("operator \"\"" + suffix.Text);
            }
            if (DoubleUnderscoreOperators.TryGetValue(c, out var dop)) return new SimpleName(dop);
            throw Fail("unknown operator code");
        }
        if (UnderscoreOperators.TryGetValue(c, out var uop)) return new SimpleName(uop);
        throw Fail("unknown operator code");
    }

    private NameNode ParseRttiName()
    {
        char c = Next();
        switch (c)
        {
            case '1':
                {
                    var a = SignedText(ParseNumber());
                    var b = SignedText(ParseNumber());
                    var d = SignedText(ParseNumber());
                    var e = SignedText(ParseNumber());
                    _rttiTerminated = true;
                    return new SimpleName($"`RTTI Base Class Descriptor at ({a}, {b}, {d}, {e})'");
                }
            case '2':
                _rttiTerminated = true;
                return new SimpleName("`RTTI Base Class Array'");
            case '3':
                _rttiTerminated = true;
                return new SimpleName("`RTTI Class Hierarchy Descriptor'");
            case '4':
                return new SimpleName("`RTTI Complete Object Locator'");
            default:
                throw Fail("unknown RTTI code");
        }
    }
}
