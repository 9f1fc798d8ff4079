namespace Ntdbg.Symbols.Model;

/// <summary>
/// The debugger's symbol wildcard: <c>*</c> any run, <c>?</c> one character, everything else
/// literal, compared case-insensitively (as WinDbg's <c>x</c> does by default). Greedy matching
/// with one backtrack point, so the time is linear in practice and never exponential.
/// </summary>
public static class SymbolWildcard
{
    public static bool IsPattern(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;

    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, starP = -1, starT = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*') { starP = p++; starT = t; }
            else if (p < pattern.Length && (pattern[p] == '?' || SameChar(pattern[p], text[t]))) { p++; t++; }
            else if (starP >= 0) { p = starP + 1; t = ++starT; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private static bool SameChar(char a, char b) =>
        a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
