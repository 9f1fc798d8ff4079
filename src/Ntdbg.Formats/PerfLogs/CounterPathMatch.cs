namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Counter selection as logman and relog take it: a path with `*` wildcards in any part
/// (`\Memory\*`, `\Process(*)\Private Bytes`); a path without a machine matches any machine.
/// Case-insensitive, like PDH.
/// </summary>
public static class CounterPathMatch
{
    public static bool Matches(string pattern, CounterPath path)
    {
        string text = path.ToString();
        if (!pattern.StartsWith(@"\\", StringComparison.Ordinal) && path.Machine != null)
            text = text[(2 + path.Machine.Length)..];
        return Glob(pattern, 0, text, 0);
    }

    // '*' matches any run of characters; iterative backtracking keeps it linear-ish and stack-safe.
    private static bool Glob(string p, int pi, string t, int ti)
    {
        int star = -1, mark = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && p[pi] == '*') { star = pi++; mark = ti; }
            else if (pi < p.Length && char.ToUpperInvariant(p[pi]) == char.ToUpperInvariant(t[ti])) { pi++; ti++; }
            else if (star >= 0) { pi = star + 1; ti = ++mark; }
            else return false;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }
}
