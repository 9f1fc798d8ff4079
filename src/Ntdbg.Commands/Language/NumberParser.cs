using System.Globalization;

namespace Ntdbg.Commands.Language;

/// <summary>
/// Numbers as WinDbg's MASM evaluator reads them: hex by default, 0x hex, 0n decimal, 0t octal,
/// 0y binary, and the backtick that splits 64-bit values (fffff880`044b63aa).
/// </summary>
public static class NumberParser
{
    public static bool TryParse(string token, int defaultRadix, out ulong value)
    {
        value = 0;
        string t = token.Replace("`", "");
        if (t.Length == 0) return false;
        int radix = defaultRadix;
        if (t.Length > 2 && t[0] == '0')
        {
            switch (char.ToLowerInvariant(t[1]))
            {
                case 'x': radix = 16; t = t[2..]; break;
                case 'n': radix = 10; t = t[2..]; break;
                case 't': radix = 8; t = t[2..]; break;
                case 'y': radix = 2; t = t[2..]; break;
            }
        }
        if (t.Length == 0) return false;
        ulong acc = 0;
        foreach (char c in t)
        {
            int d = DigitValue(c);
            if (d < 0 || d >= radix) return false;
            // WinDbg keeps the low 64 bits; overflowing input is a syntax error there too.
            if (acc > (ulong.MaxValue - (ulong)d) / (ulong)radix) return false;
            acc = acc * (ulong)radix + (ulong)d;
        }
        value = acc;
        return true;
    }

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    public static string FormatDecimal(ulong v) => v.ToString(CultureInfo.InvariantCulture);
}
