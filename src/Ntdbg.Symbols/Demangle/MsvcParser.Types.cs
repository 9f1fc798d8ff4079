namespace Ntdbg.Symbols.Demangle;

internal sealed partial class MsvcParser
{
    private static readonly Dictionary<char, string> Builtins = new()
    {
        ['X'] = "void",
        ['D'] = "char",
        ['C'] = "signed char",
        ['E'] = "unsigned char",
        ['F'] = "short",
        ['G'] = "unsigned short",
        ['H'] = "int",
        ['I'] = "unsigned int",
        ['J'] = "long",
        ['K'] = "unsigned long",
        ['M'] = "float",
        ['N'] = "double",
        ['O'] = "long double",
    };

    private static readonly Dictionary<char, string> ExtendedBuiltins = new()
    {
        ['J'] = "__int64",
        ['K'] = "unsigned __int64",
        ['N'] = "bool",
        ['W'] = "wchar_t",
        ['S'] = "char16_t",
        ['U'] = "char32_t",
        ['Q'] = "char8_t",
        ['L'] = "__int128",
        ['M'] = "unsigned __int128",
        ['D'] = "__int8",
        ['E'] = "unsigned __int8",
        ['F'] = "__int16",
        ['G'] = "unsigned __int16",
        ['H'] = "__int32",
        ['I'] = "unsigned __int32",
    };

    private TypeNode ParseType()
    {
        Enter();
        try
        {
            return ParseTypeInner();
        }
        finally
        {
            Leave();
        }
    }

    private TypeNode ParseTypeInner()
    {
        char c = Next();
        if (Builtins.TryGetValue(c, out var builtin)) return new PrimitiveType(builtin);
        switch (c)
        {
            case '_':
                {
                    char d = Next();
                    if (ExtendedBuiltins.TryGetValue(d, out var ext)) return new PrimitiveType(ext);
                    throw Fail("unknown extended type");
                }
            case 'T': return new TagType("union", ParseTypeName());
            case 'U': return new TagType("struct", ParseTypeName());
            case 'V': return new TagType("class", ParseTypeName());
            case 'W':
                {
                    char d = Next();
                    if (d < '0' || d > '7') throw Fail("bad enum base");
                    return new TagType("enum", ParseTypeName());
                }
            case 'P': return ParsePointer("*", Quals.None);
            case 'Q': return ParsePointer("*", Quals.Const);
            case 'R': return ParsePointer("*", Quals.Volatile);
            case 'S': return ParsePointer("*", Quals.Const | Quals.Volatile);
            case 'A': return ParsePointer("&", Quals.None);
            case 'B': return ParsePointer("&", Quals.Volatile);
            case 'Y': return ParseArray();
            case '?':
                {
                    // A qualified class type in return, variable or template position: ?A, ?B (const)...
                    var q = ParseCvChar(allowMember: false).Quals;
                    var t = ParseType();
                    t.Quals |= q;
                    return t;
                }
            case '$':
                return ParseDollarType();
            default:
                throw Fail("unknown type code");
        }
    }

    private TypeNode ParseDollarType()
    {
        if (!Consume('$')) throw Fail("unknown $ type");
        char c = Next();
        switch (c)
        {
            case 'Q': return ParsePointer("&&", Quals.None);
            case 'R': return ParsePointer("&&", Quals.Volatile);
            case 'T': return new PrimitiveType("std::nullptr_t");
            case 'A':
                {
                    char d = Next();
                    if (d == '6') return new FunctionType(ParseFunctionTail(memberOf: false));
                    if (d == '8' && Consume("@@")) return new FunctionType(ParseFunctionTail(memberOf: true));
                    throw Fail("bad function type");
                }
            case 'B': return ParseType();
            case 'C':
                {
                    var q = ParseCvChar(allowMember: false).Quals;
                    var t = ParseType();
                    t.Quals |= q;
                    return t;
                }
            default:
                throw Fail("unknown $$ type");
        }
    }

    /// <summary>CV qualifier letters A-D; with <paramref name="allowMember"/> also Q-T (pointer to data member).</summary>
    private (Quals Quals, bool Member) ParseCvChar(bool allowMember)
    {
        char c = Next();
        switch (c)
        {
            case 'A': return (Quals.None, false);
            case 'B': return (Quals.Const, false);
            case 'C': return (Quals.Volatile, false);
            case 'D': return (Quals.Const | Quals.Volatile, false);
        }
        if (allowMember)
        {
            switch (c)
            {
                case 'Q': return (Quals.None, true);
                case 'R': return (Quals.Const, true);
                case 'S': return (Quals.Volatile, true);
                case 'T': return (Quals.Const | Quals.Volatile, true);
            }
        }
        throw Fail("bad cv qualifier");
    }

    /// <summary>__ptr64 (E, not shown), __restrict (I), __unaligned (F).</summary>
    private Quals ParsePointerExtQuals()
    {
        var q = Quals.None;
        while (true)
        {
            if (Consume('E')) continue;
            if (Consume('I')) { q |= Quals.Restrict; continue; }
            if (Consume('F')) { q |= Quals.Unaligned; continue; }
            return q;
        }
    }

    private TypeNode ParsePointer(string op, Quals pointerQuals)
    {
        var ext = ParsePointerExtQuals();
        TypeNode pointee;
        NameNode? memberOf = null;
        if (Consume('6'))
        {
            pointee = new FunctionType(ParseFunctionTail(memberOf: false));
        }
        else if (Consume('8'))
        {
            memberOf = ParseTypeName();
            pointee = new FunctionType(ParseFunctionTail(memberOf: true));
        }
        else
        {
            var (cv, member) = ParseCvChar(allowMember: true);
            if (member) memberOf = ParseTypeName();
            pointee = ParseType();
            pointee.Quals |= cv;
        }
        // Unaligned applies to the pointee in llvm's layout; restrict stays on the pointer.
        if ((ext & Quals.Unaligned) != 0) pointee.Quals |= Quals.Unaligned;
        return new PointerType(pointee, op, memberOf) { Quals = pointerQuals | (ext & Quals.Restrict) };
    }

    private TypeNode ParseArray()
    {
        var (count, negative) = ParseNumber();
        if (negative || count == 0 || count > 32) throw Fail("bad array rank");
        var dims = new List<string>();
        for (ulong i = 0; i < count; i++) dims.Add(SignedText(ParseNumber()));
        var element = ParseType();
        return new ArrayType(element, dims);
    }

    /// <summary>Calling convention, return type, parameters and throw specification of a function
    /// type (for member function pointers, the this-qualifiers come first).</summary>
    private FunctionSignature ParseFunctionTail(bool memberOf)
    {
        var sig = new FunctionSignature();
        if (memberOf) ParseThisQualifiers(sig);
        sig.CallingConvention = ParseCallingConvention();
        sig.ReturnType = ParseReturnType();
        ParseParameters(sig);
        ParseThrowSpec(sig);
        return sig;
    }

    private void ParseThisQualifiers(FunctionSignature sig)
    {
        var q = Quals.None;
        while (true)
        {
            if (Consume('E')) continue;
            if (Consume('I')) { q |= Quals.Restrict; continue; }
            if (Consume('F')) { q |= Quals.Unaligned; continue; }
            if (Consume('G')) { sig.RefQualifier = " &"; continue; }
            if (Consume('H')) { sig.RefQualifier = " &&"; continue; }
            break;
        }
        q |= ParseCvChar(allowMember: false).Quals;
        sig.ThisQuals = q;
    }

    private string ParseCallingConvention()
    {
        char c = Next();
        return c switch
        {
            'A' or 'B' => "__cdecl",
            'C' or 'D' => "__pascal",
            'E' or 'F' => "__thiscall",
            'G' or 'H' => "__stdcall",
            'I' or 'J' => "__fastcall",
            'K' or 'L' => "",
            'M' or 'N' => "__clrcall",
            'O' or 'P' => "__eabi",
            'Q' => "__vectorcall",
            'S' => "__attribute__((__swiftcall__))",
            'W' => "__attribute__((__swiftasynccall__))",
            _ => throw Fail("unknown calling convention"),
        };
    }

    private TypeNode? ParseReturnType()
    {
        if (Consume('@')) return null;
        return ParseType();
    }

    private void ParseParameters(FunctionSignature sig)
    {
        if (Consume('X')) return;
        if (Consume('@'))
        {
            // An empty list without 'X' (no "void"): written "()".
            sig.EmptyParentheses = true;
            return;
        }
        Enter();
        while (true)
        {
            if (Consume('@')) break;
            if (Consume('Z'))
            {
                sig.Variadic = true;
                break;
            }
            if (AtEnd) throw Fail("unterminated parameter list");
            if (sig.Parameters.Count > 256) throw Fail("too many parameters");
            char c = Peek;
            if (c >= '0' && c <= '9')
            {
                _pos++;
                int i = c - '0';
                if (i >= _types.Count) throw Fail("type back-reference out of range");
                sig.Parameters.Add(_types[i]);
                continue;
            }
            int start = _pos;
            var t = ParseType();
            if (_pos - start > 1) MemorizeType(t);
            sig.Parameters.Add(t);
        }
        Leave();
    }

    private void ParseThrowSpec(FunctionSignature sig)
    {
        if (Consume("_E")) sig.Noexcept = true;
        if (Consume('Z')) return;
        throw Fail("bad throw specification");
    }
}
