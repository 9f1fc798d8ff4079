namespace Ntdbg.Symbols.Demangle;

internal sealed partial class MsvcParser
{
    // Set while parsing a name whose encoding needs them (conversion operators take the
    // function's return type; RTTI descriptors 1-3 end with '8' instead of an encoding).
    private ConversionOperatorName? _pendingConversion;
    private bool _rttiTerminated;

    /// <summary>The whole input as one symbol; anything left over is an error.</summary>
    public SymbolNode ParseWhole()
    {
        var sym = ParseSymbol();
        if (!AtEnd) throw Fail("trailing characters");
        return sym;
    }

    private SymbolNode ParseSymbol()
    {
        Enter();
        try
        {
            return ParseSymbolInner();
        }
        finally
        {
            Leave();
        }
    }

    private SymbolNode ParseSymbolInner()
    {
        if (!Consume('?')) throw Fail("not a decorated name");
        if (Peek == '?' && PeekAt(1) == '@')
        {
            // An MD5-hashed name (too long to decorate): shown as is.
            int start = _pos - 1;
            int end = _s.IndexOf('@', _pos + 2);
            if (end < 0) throw Fail("unterminated MD5 name");
            _pos = end + 1;
            return new NameOnlySymbol(new SimpleName(_s.Substring(start, end + 1 - start)));
        }
        if (Consume("?_C@_")) return ParseStringLiteral();
        if (Consume("?_R0"))
        {
            var type = ParseType();
            if (!Consume("@8")) throw Fail("bad type descriptor");
            return new TypeDescriptorSymbol(type);
        }
        if (Peek == '?' && PeekAt(1) == '_' && PeekAt(2) == '_' && (PeekAt(3) == 'E' || PeekAt(3) == 'F'))
            return ParseDynamicStructor();

        var saveConversion = _pendingConversion;
        var saveRtti = _rttiTerminated;
        _pendingConversion = null;
        _rttiTerminated = false;
        try
        {
            var name = ParseSymbolName();
            if (_rttiTerminated)
            {
                Expect('8');
                return new NameOnlySymbol(name);
            }
            return ParseEncoding(name, _pendingConversion);
        }
        finally
        {
            _pendingConversion = saveConversion;
            _rttiTerminated = saveRtti;
        }
    }

    private SymbolNode ParseDynamicStructor()
    {
        _pos += 3;
        string what = Next() == 'E' ? "dynamic initializer for" : "dynamic atexit destructor for";
        DynamicStructorName dyn;
        if (Peek == '?')
        {
            var variable = ParseSymbol();
            Expect('@');
            Expect('@');
            dyn = new DynamicStructorName(what, null, variable);
        }
        else
        {
            dyn = new DynamicStructorName(what, ParseTypeName(), null);
        }
        return ParseEncoding(new QualifiedName(new NameNode[] { dyn }), null);
    }

    private SymbolNode ParseEncoding(QualifiedName name, ConversionOperatorName? conversion)
    {
        char c = Peek;
        if (c == '5')
        {
            // A local static guard: an optional index.
            _pos++;
            string index = AtEnd ? "" : "{" + SignedText(ParseNumber()) + "}";
            return new NameOnlySymbol(new QualifiedName(new NameNode[] { name, new SimpleName(index) }), joiner: "");
        }
        if (c >= '0' && c <= '4') return ParseVariable(name);
        if (c == '6' || c == '7') return ParseSpecialTable(name);
        if (c == '9')
        {
            _pos++;
            return new ExternCSymbol(name);
        }
        if (c == '8') throw Fail("unsupported data encoding");
        return ParseFunction(name, conversion);
    }

    private SymbolNode ParseVariable(QualifiedName name)
    {
        string prefix = Next() switch
        {
            '0' => "private: static ",
            '1' => "protected: static ",
            '2' => "public: static ",
            _ => "",
        };
        var type = ParseType();
        if (type is PointerType pointer)
        {
            // The storage class of a pointer variable repeats the pointee's qualifiers (and,
            // for a pointer to member, its class).
            var ext = ParsePointerExtQuals();
            pointer.Quals |= ext & Quals.Restrict;
            pointer.Pointee.Quals |= ext & Quals.Unaligned;
            var (cv, member) = ParseCvChar(allowMember: true);
            if (member) ParseTypeName();
            pointer.Pointee.Quals |= cv;
        }
        else
        {
            type.Quals |= ParseCvChar(allowMember: false).Quals;
        }
        return new VariableSymbol(name, prefix, type);
    }

    private SymbolNode ParseSpecialTable(QualifiedName name)
    {
        _pos++;
        ParsePointerExtQuals();
        var quals = ParseCvChar(allowMember: false).Quals;
        var targets = new List<NameNode>();
        while (!Consume('@'))
        {
            if (AtEnd) throw Fail("unterminated vftable target list");
            if (targets.Count > 64) throw Fail("too many vftable targets");
            targets.Add(ParseTypeName());
        }
        return new SpecialTableSymbol(name, quals, targets);
    }

    private SymbolNode ParseFunction(QualifiedName name, ConversionOperatorName? conversion)
    {
        char c = Next();
        string externC = "";
        if (c == '$' && Consume("$J0"))
        {
            externC = "extern \"C\" ";
            c = Next();
        }
        string access = "";
        bool isStatic = false, isVirtual = false, isMember = true;
        string thunk = "", suffix = "";
        if (c == '$' && Consume('B'))
        {
            // A vcall thunk: `vcall'{offset, {flat}}, no signature.
            var offset = SignedText(ParseNumber());
            Expect('A');
            var cc = ParseCallingConvention();
            var vsig = new FunctionSignature { CallingConvention = cc, OmitParameters = true };
            return new FunctionSymbol(name, vsig, "[thunk]: ", "{" + offset + ", {flat}}");
        }
        if (c == '$')
        {
            // Virtual-displacement thunks: $0..$5 vtordisp, $R0..$R5 vtordispex.
            bool ex = Consume('R');
            char k = Next();
            if (k < '0' || k > '5') throw Fail("bad vtordisp thunk");
            access = ((k - '0') / 2) switch { 0 => "private: ", 1 => "protected: ", _ => "public: " };
            isVirtual = true;
            thunk = "[thunk]: ";
            var n1 = SignedText32(ParseNumber());
            var n2 = SignedText32(ParseNumber());
            if (ex)
            {
                var n3 = SignedText32(ParseNumber());
                var n4 = SignedText32(ParseNumber());
                suffix = $"`vtordispex{{{n1}, {n2}, {n3}, {n4}}}'";
            }
            else suffix = $"`vtordisp{{{n1}, {n2}}}'";
        }
        else if (c >= 'A' && c <= 'X')
        {
            int i = c - 'A';
            access = (i / 8) switch { 0 => "private: ", 1 => "protected: ", _ => "public: " };
            switch ((i % 8) / 2)
            {
                case 1: isStatic = true; isMember = false; break;
                case 2: isVirtual = true; break;
                case 3:
                    isVirtual = true;
                    thunk = "[thunk]: ";
                    suffix = $"`adjustor{{{SignedText32(ParseNumber())}}}'";
                    break;
            }
        }
        else if (c == 'Y' || c == 'Z')
        {
            isMember = false;
        }
        else throw Fail("unknown function class");

        var sig = new FunctionSignature
        {
            Access = externC + access,
            Prefix = (isStatic ? "static " : "") + (isVirtual ? "virtual " : ""),
        };
        if (isMember) ParseThisQualifiers(sig);
        sig.CallingConvention = ParseCallingConvention();
        sig.ReturnType = ParseReturnType();
        ParseParameters(sig);
        ParseThrowSpec(sig);
        if (conversion != null) conversion.Target = sig.ReturnType;
        return new FunctionSymbol(name, sig, thunk, suffix);
    }

    /// <summary>Thunk offsets are 32-bit values written unsigned: 0xFFFFFFFC is -4.</summary>
    private static string SignedText32((ulong Value, bool Negative) n)
    {
        long v = n.Negative ? -(long)n.Value : (long)(int)(uint)n.Value;
        return v.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
