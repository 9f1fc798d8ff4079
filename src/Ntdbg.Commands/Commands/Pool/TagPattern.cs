namespace Ntdbg.Commands.Commands.Pool;

/// <summary>Pool tag matching as !poolused documents it: case-sensitive, * any run of characters, ? exactly one.</summary>
public static class TagPattern
{
    public static bool Matches(string pattern, string tag)
    {
        // A tag shorter than four characters is stored space-padded; compare against the padded form.
        if (!pattern.Contains('*')) pattern = pattern.PadRight(4);
        return Match(pattern, 0, tag, 0);
    }

    private static bool Match(string p, int pi, string t, int ti)
    {
        while (pi < p.Length)
        {
            if (p[pi] == '*')
            {
                for (int k = ti; k <= t.Length; k++)
                    if (Match(p, pi + 1, t, k)) return true;
                return false;
            }
            if (ti >= t.Length || p[pi] != '?' && p[pi] != t[ti]) return false;
            pi++;
            ti++;
        }
        return ti == t.Length;
    }
}
