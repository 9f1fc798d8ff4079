using System.Text;

namespace Ntdbg.Formats.Breakpad;

/// <summary>
/// The space-separated fields of one record line. Numbers are strict: a field that is not a
/// number of the expected base and width is an error naming the field and the text found,
/// never a silent zero. Runs of spaces and tabs count as one separator.
/// </summary>
internal ref struct BreakpadFields(ReadOnlySpan<byte> line, BreakpadLineContext context)
{
    private const int QuoteLimit = 40;
    private readonly ReadOnlySpan<byte> _line = line;
    private int _pos;

    public readonly BreakpadLineContext Context => context;

    public bool AtEnd
    {
        get
        {
            SkipSeparators();
            return _pos >= _line.Length;
        }
    }

    /// <summary>The next field, or an error saying which one is missing.</summary>
    public ReadOnlySpan<byte> Next(string what)
    {
        SkipSeparators();
        if (_pos >= _line.Length) throw context.Error($"{what} is missing");
        int start = _pos;
        while (_pos < _line.Length && !IsSeparator(_line[_pos])) _pos++;
        return _line[start.._pos];
    }

    /// <summary>The next field if it is exactly <paramref name="flag"/> (FUNC's and PUBLIC's `m`); consumed only then.</summary>
    public bool TakeFlag(byte flag)
    {
        SkipSeparators();
        if (_pos < _line.Length && _line[_pos] == flag && (_pos + 1 == _line.Length || IsSeparator(_line[_pos + 1])))
        {
            _pos++;
            return true;
        }
        return false;
    }

    public string NextString(string what) => Encoding.UTF8.GetString(Next(what));

    public ulong Hex64(string what)
    {
        var field = Next(what);
        if (!TryParseHex(field, out ulong value, out bool overflow))
            throw context.Error(overflow ? $"{what} '{Quote(field)}' does not fit in 64 bits" : $"{what} '{Quote(field)}' is not a hexadecimal number");
        return value;
    }

    public uint Hex32(string what)
    {
        var field = Next(what);
        if (!TryParseHex(field, out ulong value, out bool overflow))
            throw context.Error(overflow ? $"{what} '{Quote(field)}' does not fit in 32 bits" : $"{what} '{Quote(field)}' is not a hexadecimal number");
        if (value > uint.MaxValue) throw context.Error($"{what} '{Quote(field)}' does not fit in 32 bits");
        return (uint)value;
    }

    /// <summary>A hex field that must be 0 or 1 (STACK WIN's has_program_string and allocates_base_pointer).</summary>
    public bool Flag01(string what)
    {
        uint v = Hex32(what);
        if (v > 1) throw context.Error($"{what} is {v:x}, not 0 or 1");
        return v == 1;
    }

    public int Decimal(string what, bool allowNegative)
    {
        var field = Next(what);
        if (!TryParseDecimal(field, allowNegative, out int value))
            throw context.Error($"{what} '{Quote(field)}' is not a{(allowNegative ? "" : " non-negative")} 32-bit decimal number");
        return value;
    }

    /// <summary>The rest of the line (the last field, which may hold spaces), without surrounding blanks.</summary>
    public ReadOnlySpan<byte> Rest()
    {
        SkipSeparators();
        var rest = _line[_pos..];
        _pos = _line.Length;
        int end = rest.Length;
        while (end > 0 && IsSeparator(rest[end - 1])) end--;
        return rest[..end];
    }

    public string RestString(string what)
    {
        var rest = Rest();
        if (rest.IsEmpty) throw context.Error($"{what} is missing");
        return Encoding.UTF8.GetString(rest);
    }

    /// <summary>Nothing may follow the last field of a fixed-width record.</summary>
    public void End(string record)
    {
        if (!AtEnd) throw context.Error($"{record} record has an unexpected field '{Quote(Rest())}'");
    }

    public static bool IsSeparator(byte b) => b is (byte)' ' or (byte)'\t';

    public static bool IsHex(ReadOnlySpan<byte> field)
    {
        if (field.IsEmpty) return false;
        foreach (byte b in field)
            if (HexDigit(b) < 0) return false;
        return true;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> field, out ulong value, out bool overflow)
    {
        value = 0;
        overflow = false;
        if (field.IsEmpty) return false;
        foreach (byte b in field)
        {
            int d = HexDigit(b);
            if (d < 0) return false;
            if (value > ulong.MaxValue >> 4)
            {
                overflow = true;
                return false;
            }
            value = (value << 4) | (uint)d;
        }
        return true;
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> field, bool allowNegative, out int value)
    {
        value = 0;
        bool negative = allowNegative && field.Length > 1 && field[0] == (byte)'-';
        if (negative) field = field[1..];
        if (field.IsEmpty) return false;
        long v = 0;
        foreach (byte b in field)
        {
            if (b is < (byte)'0' or > (byte)'9') return false;
            v = v * 10 + (b - '0');
            if (v > (long)int.MaxValue + 1) return false;
        }
        if (negative) v = -v;
        if (v is > int.MaxValue or < int.MinValue) return false;
        value = (int)v;
        return true;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>Field text for a message: clipped, control bytes shown as '?', so the error stays one short line.</summary>
    public static string Quote(ReadOnlySpan<byte> field)
    {
        var sb = new StringBuilder();
        foreach (byte b in field[..Math.Min(field.Length, QuoteLimit)]) sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        if (field.Length > QuoteLimit) sb.Append('…');
        return sb.ToString();
    }

    private void SkipSeparators()
    {
        while (_pos < _line.Length && IsSeparator(_line[_pos])) _pos++;
    }
}
