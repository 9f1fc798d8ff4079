using System.Buffers.Binary;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Language.Cpp;

/// <summary>
/// The C++ expression subset of `??` and `dx`: literals (decimal by default, 0x hex, 0n/0t/0y as
/// in the debugger), registers (@rip) and pseudo-registers (@$proc), symbols (nt!PsActiveProcessHead,
/// typed by the symbols), casts to [struct] [module!]Type with any number of `*`, `->`, `.`, `[]`,
/// unary `&` `*` `-` `~` `!`, sizeof(type|expr), + - * / % (pointer arithmetic scales), shifts,
/// bitwise, comparisons, && and ||. Recursion is capped so hostile input cannot overflow the stack.
/// </summary>
public sealed class CppEvaluator(DebugSession session)
{
    private const int MaxDepth = 200;
    private string _text = "";
    private int _pos, _depth;

    public CppValue Evaluate(string text)
    {
        _text = text;
        _pos = 0;
        _depth = 0;
        var v = Binary(0);
        SkipSpaces();
        if (_pos < _text.Length) throw Error($"syntax error at '{_text[_pos..]}'");
        return v;
    }

    private static readonly string[][] Levels =
    [
        ["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<=", ">=", "<", ">"], ["<<", ">>"], ["+", "-"], ["*", "/", "%"],
    ];

    private CppValue Binary(int level)
    {
        if (level == Levels.Length) return Unary();
        var left = Binary(level + 1);
        while (true)
        {
            SkipSpaces();
            string? op = Levels[level].FirstOrDefault(o => Peek(o) && !(o is "&" or "|" && Peek(o + o)) && !(o is "<" or ">" && (Peek(o + o) || Peek(o + "="))));
            if (op == null) return left;
            _pos += op.Length;
            var right = Binary(level + 1);
            left = Apply(op, left, right);
        }
    }

    private CppValue Apply(string op, CppValue a, CppValue b)
    {
        // Pointer arithmetic: p + n, p - n scale by the pointee; p - q counts elements.
        if (a.Type is PointerType pa && op is "+" or "-" && CppTypes.IsInteger(b.Type))
        {
            ulong scale = Math.Max(1, pa.Target.Size);
            ulong v = op == "+" ? a.Bits + b.Bits * scale : a.Bits - b.Bits * scale;
            return new CppValue(a.Type, v, null, a.Module);
        }
        if (a.Type is PointerType pp && b.Type is PointerType && op == "-")
            return Int((long)(a.Bits - b.Bits) / (long)Math.Max(1, pp.Target.Size), CppTypes.Int64);
        ulong x = Scalar(a), y = Scalar(b);
        bool signed = CppTypes.IsSigned(a.Type) && CppTypes.IsSigned(b.Type);
        var type = Wider(a.Type, b.Type);
        return op switch
        {
            "+" => Int((long)(x + y), type),
            "-" => Int((long)(x - y), type),
            "*" => Int((long)(x * y), type),
            "/" => y == 0 ? throw Error("division by zero") : Int(signed ? (long)x / (long)y : (long)(x / y), type),
            "%" => y == 0 ? throw Error("division by zero") : Int(signed ? (long)x % (long)y : (long)(x % y), type),
            "<<" => Int((long)(x << (int)(y & 63)), type),
            ">>" => Int(signed ? (long)x >> (int)(y & 63) : (long)(x >> (int)(y & 63)), type),
            "&" => Int((long)(x & y), type),
            "|" => Int((long)(x | y), type),
            "^" => Int((long)(x ^ y), type),
            "==" => Bool(x == y),
            "!=" => Bool(x != y),
            "<" => Bool(signed ? (long)x < (long)y : x < y),
            ">" => Bool(signed ? (long)x > (long)y : x > y),
            "<=" => Bool(signed ? (long)x <= (long)y : x <= y),
            ">=" => Bool(signed ? (long)x >= (long)y : x >= y),
            "&&" => Bool(x != 0 && y != 0),
            "||" => Bool(x != 0 || y != 0),
            _ => throw Error($"unknown operator {op}"),
        };
    }

    private static DbgType Wider(DbgType a, DbgType b)
    {
        ulong sa = a.Size, sb = b.Size;
        if (sa < 4 && sb < 4) return CppTypes.Int;
        return sa >= sb ? (a is EnumType ? CppTypes.Int : a) : b;
    }

    private CppValue Unary()
    {
        if (++_depth > MaxDepth) throw Error("expression nested too deeply");
        try
        {
            SkipSpaces();
            if (Take("sizeof"))
            {
                SkipSpaces();
                if (!Take("(")) throw Error("sizeof needs parentheses");
                int save = _pos;
                DbgType t;
                if (TryType(out var parsed) && TakeSpaced(")")) t = parsed.Type;
                else
                {
                    _pos = save;
                    t = Binary(0).Type;
                    if (!TakeSpaced(")")) throw Error("missing ')' after sizeof");
                }
                return new CppValue(CppTypes.UInt64, t.Size, null, null);
            }
            if (Take("&")) return AddressOf(Unary());
            if (Take("*")) return Deref(Unary());
            if (Take("-")) return Negate(Unary());
            if (Take("~")) { var v = Unary(); return Int((long)~Scalar(v), Wider(v.Type, CppTypes.Int)); }
            if (Take("!")) return Bool(Scalar(Unary()) == 0);
            if (Peek("("))
            {
                int save = _pos;
                _pos++;
                if (TryType(out var cast) && TakeSpaced(")")) return Cast(Unary(), cast.Type, cast.Module);
                _pos = save;
            }
            return Postfix(Primary());
        }
        finally { _depth--; }
    }

    private CppValue Postfix(CppValue v)
    {
        while (true)
        {
            SkipSpaces();
            if (Take("->")) v = Member(Deref(v), Identifier());
            else if (Take(".")) v = Member(v, Identifier());
            else if (Take("["))
            {
                var index = Binary(0);
                if (!TakeSpaced("]")) throw Error("missing ']'");
                v = Index(v, (long)Scalar(index));
            }
            else return v;
        }
    }

    private CppValue Primary()
    {
        SkipSpaces();
        if (Take("("))
        {
            var v = Binary(0);
            if (!TakeSpaced(")")) throw Error("missing ')'");
            return v;
        }
        if (_pos >= _text.Length) throw Error("expression expected");
        if (Take("@$"))
        {
            string name = "$" + Identifier();
            if (!session.TryGetPseudoRegister(name, out ulong v)) throw Error($"unknown pseudo-register @{name}");
            return new CppValue(CppTypes.UInt64, v, null, null);
        }
        if (Take("@"))
        {
            string name = Identifier();
            if (!session.TryGetRegister(name, out ulong v)) throw Error($"unknown register @{name}");
            return new CppValue(CppTypes.UInt64, v, null, null);
        }
        if (char.IsAsciiDigit(_text[_pos])) return Number();
        string symbol = SymbolName();
        if (symbol.Length == 0) throw Error($"syntax error at '{_text[_pos..]}'");
        return Symbol(symbol);
    }

    private CppValue Number()
    {
        int start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '`')) _pos++;
        string raw = _text[start.._pos].Replace("`", "").ToLowerInvariant().TrimEnd('u', 'l');
        ulong v;
        try
        {
            v = raw.StartsWith("0x") ? Convert.ToUInt64(raw[2..], 16)
                : raw.StartsWith("0n") ? ulong.Parse(raw[2..])
                : raw.StartsWith("0y") ? Convert.ToUInt64(raw[2..], 2)
                : raw.StartsWith("0t") || (raw.Length > 1 && raw[0] == '0') ? Convert.ToUInt64(raw.TrimStart('0', 't') is { Length: > 0 } o ? o : "0", 8)
                : ulong.Parse(raw);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw Error($"bad number '{_text[start.._pos]}'");
        }
        return new CppValue(v <= int.MaxValue ? CppTypes.Int : v <= long.MaxValue ? CppTypes.Int64 : CppTypes.UInt64, v, null, null);
    }

    private CppValue Symbol(string name)
    {
        var table = session.SymbolTable;
        int bang = name.IndexOf('!');
        foreach (var module in bang >= 0 ? [table.Find(name[..bang])!] : table.Modules)
        {
            if (module == null) continue;
            var source = table.EnsureLoaded(module);
            var hits = source?.FindByName(bang >= 0 ? name[(bang + 1)..] : name);
            if (hits is not { Count: > 0 }) continue;
            ulong address = module.Module.Base + hits[0].Rva;
            var type = source!.TypeOf(hits[0]);
            if (type == null || type is FunctionType)
                return new CppValue(new PointerType(type ?? PrimitiveType.Void, session.PointerSize), address, null, module.Name);
            return Load(type, address, module.Name);
        }
        throw Error($"Couldn't resolve error at '{name}'");
    }

    private CppValue Member(CppValue v, string name)
    {
        if (v.Type is not UdtType u || v.Address is not ulong address) throw Error($"'.{name}' needs a structure, not {CppTypes.Spell(v.Type)}");
        var field = u.GetField(name) ?? throw Error($"{u.Name} has no member {name}");
        return Field(v, field, address);
    }

    /// <summary>One member of a structure value (bitfields extracted, scalars read).</summary>
    public CppValue Field(CppValue obj, UdtField field) =>
        obj.Address is ulong address ? Field(obj, field, address) : throw Error($"{CppTypes.Spell(obj.Type)} has no address");

    private CppValue Field(CppValue v, UdtField field, ulong address)
    {
        var loaded = Load(field.Type, address + field.Offset, v.Module);
        if (!field.IsBitfield || loaded.ReadError != null) return loaded;
        ulong mask = field.BitLength >= 64 ? ulong.MaxValue : (1UL << field.BitLength) - 1;
        return loaded with { Value = (loaded.Value >> field.BitPosition) & mask, Address = null };
    }

    private CppValue Index(CppValue v, long index)
    {
        (DbgType element, ulong start) = v.Type switch
        {
            PointerType p => (p.Target, v.Bits),
            ArrayType a when v.Address is ulong at => (a.Element, at),
            _ => throw Error($"cannot index {CppTypes.Spell(v.Type)}"),
        };
        return Load(element, start + (ulong)(index * (long)element.Size), v.Module);
    }

    private CppValue Deref(CppValue v)
    {
        if (v.Type is PointerType p) return Load(p.Target, v.Bits, v.Module);
        if (v.Type is ArrayType a && v.Address is ulong at) return Load(a.Element, at, v.Module);
        throw Error($"cannot dereference {CppTypes.Spell(v.Type)}");
    }

    private CppValue AddressOf(CppValue v) =>
        v.Address is ulong at ? new CppValue(new PointerType(v.Type, session.PointerSize), at, null, v.Module) : throw Error("'&' needs an lvalue");

    private CppValue Negate(CppValue v) => Int(-(long)Scalar(v), Wider(v.Type, CppTypes.Int));

    private CppValue Cast(CppValue v, DbgType to, string? module)
    {
        if (to is UdtType or ArrayType)
            return v.Address is ulong at ? new CppValue(to, 0, at, module ?? v.Module) : throw Error("cannot cast a value to a structure");
        ulong bits = Scalar(v);
        return new CppValue(to, Truncate(bits, to), null, module ?? v.Module);
    }

    /// <summary>Reads a value of the type at the address: scalars are read now, objects stay at their address.</summary>
    private CppValue Load(DbgType type, ulong address, string? module)
    {
        if (type is UdtType or ArrayType or FunctionType) return new CppValue(type, 0, address, module);
        int size = (int)Math.Clamp(type.Size, 0, 8);
        if (size == 0) return new CppValue(type, 0, address, module);
        Span<byte> b = stackalloc byte[8];
        b.Clear();
        if (session.Memory.Read(address, b[..size], out var fault) < size)
            return new CppValue(type, 0, address, module) { ReadError = $"Memory access error at {Hex.Address(fault?.Address ?? address)}: {fault?.Detail ?? "unreadable"}" };
        ulong raw = BinaryPrimitives.ReadUInt64LittleEndian(b);
        if (CppTypes.IsSigned(type)) raw = (ulong)Integers.SignExtend(raw, size);
        return new CppValue(type, raw, address, module);
    }

    private static ulong Scalar(CppValue v)
    {
        if (v.IsObject) throw new ExpressionException($"{CppTypes.Spell(v.Type)} is not a number");
        return v.Bits;
    }

    private static CppValue Int(long value, DbgType type) => new(type, Truncate((ulong)value, type), null, null);

    private static CppValue Bool(bool b) => new(CppTypes.Bool, b ? 1UL : 0, null, null);

    private static ulong Truncate(ulong v, DbgType type)
    {
        int size = (int)Math.Clamp(type.Size, 1, 8);
        if (size == 8) return v;
        ulong masked = v & ((1UL << (size * 8)) - 1);
        return CppTypes.IsSigned(type) ? (ulong)Integers.SignExtend(masked, size) : masked;
    }


    /// <summary>A type name: [struct|class|union|enum] (primitive words | [module!]Name) then `*`s.</summary>
    private bool TryType(out (DbgType Type, string? Module) result)
    {
        result = default;
        int save = _pos;
        SkipSpaces();
        foreach (var tag in new[] { "struct ", "class ", "union ", "enum " })
            if (Peek(tag)) { _pos += tag.Length; break; }
        SkipSpaces();
        DbgType? type = null;
        string? module = null;
        // Primitive spellings of up to three words ("unsigned long long").
        for (int words = 3; words >= 1 && type == null; words--)
        {
            int p = _pos;
            var parts = new List<string>();
            for (int i = 0; i < words; i++)
            {
                while (p < _text.Length && _text[p] == ' ') p++;
                int s = p;
                while (p < _text.Length && (char.IsAsciiLetterOrDigit(_text[p]) || _text[p] == '_')) p++;
                if (p == s) break;
                parts.Add(_text[s..p]);
            }
            if (parts.Count == words && CppTypes.Find(string.Join(' ', parts)) is { } prim)
            {
                type = prim;
                _pos = p;
            }
        }
        if (type == null)
        {
            string name = SymbolName();
            if (name.Length == 0) { _pos = save; return false; }
            var found = session.SymbolTable.FindType(name);
            if (found == null) { _pos = save; return false; }
            type = found.Value.Type;
            module = found.Value.Module.Name;
        }
        while (true)
        {
            SkipSpaces();
            if (Take("*")) type = new PointerType(type, session.PointerSize);
            else break;
        }
        result = (type, module);
        return true;
    }

    private string SymbolName()
    {
        SkipSpaces();
        int start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '!' or '$' or ':' && !(_text[_pos] == ':' && !Peek("::"))))
        {
            if (Peek("::")) _pos += 2;
            else _pos++;
        }
        return _text[start.._pos];
    }

    private string Identifier()
    {
        SkipSpaces();
        int start = _pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] == '_')) _pos++;
        if (_pos == start) throw Error("member name expected");
        return _text[start.._pos];
    }

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos])) _pos++;
    }

    private bool Peek(string s) => string.CompareOrdinal(_text, _pos, s, 0, s.Length) == 0;

    private bool Take(string s)
    {
        SkipSpaces();
        if (!Peek(s)) return false;
        // Words such as "sizeof" must not be the start of a longer name.
        if (char.IsAsciiLetter(s[^1]) && _pos + s.Length < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos + s.Length]) || _text[_pos + s.Length] == '_')) return false;
        _pos += s.Length;
        return true;
    }

    private bool TakeSpaced(string s)
    {
        SkipSpaces();
        return Take(s);
    }

    private ExpressionException Error(string message) => new(message);
}
