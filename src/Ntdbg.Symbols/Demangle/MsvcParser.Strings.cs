using System.Text;

namespace Ntdbg.Symbols.Demangle;

internal sealed partial class MsvcParser
{
    // A string literal keeps at most 32 bytes of its text; some compilers wrote more.
    private const int MaxLiteralBytes = 32 * 4;
    private const string SpecialChars = ",/\\:. \n\t'-";

    /// <summary><c>??_C@_</c> (kind 0 narrow, 1 wide), byte length, CRC, encoded bytes, '@'.</summary>
    private SymbolNode ParseStringLiteral()
    {
        char kind = Next();
        if (kind != '0' && kind != '1') throw Fail("bad string literal kind");
        var (declaredBytes, negative) = ParseNumber();
        if (negative) throw Fail("bad string length");
        int crcEnd = _s.IndexOf('@', _pos);
        if (crcEnd < 0) throw Fail("unterminated string CRC");
        _pos = crcEnd + 1;
        var text = new StringBuilder();
        bool truncated;
        string prefix;
        if (kind == '1')
        {
            prefix = "L";
            truncated = declaredBytes > 64;
            ulong remaining = declaredBytes;
            while (!Consume('@'))
            {
                int hi = ParseLiteralByte();
                int lo = ParseLiteralByte();
                if (remaining != 2 || truncated) AppendEscaped(text, (hi << 8) | lo);
                remaining -= 2;
                if (text.Length > DemangleOutput.MaxLength) throw Fail("string too long");
            }
        }
        else
        {
            var bytes = new List<byte>();
            while (!Consume('@'))
            {
                if (AtEnd || bytes.Count >= MaxLiteralBytes) throw Fail("bad string literal");
                bytes.Add((byte)ParseLiteralByte());
            }
            truncated = declaredBytes > (ulong)bytes.Count;
            int charBytes = GuessCharBytes(bytes, declaredBytes);
            prefix = charBytes switch { 2 => "u", 4 => "U", _ => "" };
            int chars = bytes.Count / charBytes;
            for (int i = 0; i < chars; i++)
            {
                int value = 0;
                for (int b = 0; b < charBytes; b++) value |= bytes[i * charBytes + b] << (8 * b);
                // The terminating NUL is dropped unless the text was cut short.
                if (i + 1 < chars || truncated) AppendEscaped(text, value);
            }
        }
        if (!AtEnd) throw Fail("trailing characters after string literal");
        return new StringLiteralSymbol(prefix + "\"" + text + "\"" + (truncated ? "..." : ""));
    }

    private int ParseLiteralByte()
    {
        char c = Next();
        if (c != '?') return c;
        c = Next();
        if (c == '$')
        {
            char a = Next(), b = Next();
            if (a < 'A' || a > 'P' || b < 'A' || b > 'P') throw Fail("bad escaped byte");
            return ((a - 'A') << 4) | (b - 'A');
        }
        if (c >= '0' && c <= '9') return SpecialChars[c - '0'];
        if (c >= 'a' && c <= 'z') return 0xE1 + (c - 'a');
        if (c >= 'A' && c <= 'Z') return 0xC1 + (c - 'A');
        throw Fail("bad literal character");
    }

    /// <summary>
    /// A narrow-kind literal may really hold char16_t or char32_t text: judge by the NULs
    /// (trailing ones for a complete string, embedded ones for a truncated one).
    /// </summary>
    private static int GuessCharBytes(List<byte> bytes, ulong declaredBytes)
    {
        if (declaredBytes % 2 != 0) return 1;
        if (declaredBytes < 32)
        {
            int trailing = 0;
            for (int i = bytes.Count - 1; i >= 0 && bytes[i] == 0; i--) trailing++;
            if (trailing >= 4 && declaredBytes % 4 == 0) return 4;
            if (trailing >= 2) return 2;
            return 1;
        }
        int nulls = 0;
        foreach (var b in bytes) if (b == 0) nulls++;
        if (nulls >= 2 * bytes.Count / 3 && declaredBytes % 4 == 0) return 4;
        if (nulls >= bytes.Count / 3) return 2;
        return 1;
    }

    private static void AppendEscaped(StringBuilder sb, int c)
    {
        switch (c)
        {
            case 0: sb.Append("\\0"); return;
            case '\'': sb.Append("\\'"); return;
            case '"': sb.Append("\\\""); return;
            case '\\': sb.Append("\\\\"); return;
            case '\a': sb.Append("\\a"); return;
            case '\b': sb.Append("\\b"); return;
            case '\f': sb.Append("\\f"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\v': sb.Append("\\v"); return;
        }
        if (c > 0x1F && c < 0x7F) sb.Append((char)c);
        else sb.Append("\\x").Append(c.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
    }
}
