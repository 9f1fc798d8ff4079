namespace Ntdbg.Commands.Engine;

/// <summary>
/// Splits a command line on ';' outside double quotes, as WinDbg does. Path commands (.sympath,
/// .symfix...) and "*" comments take the rest of the line, since ';' belongs to them.
/// </summary>
public static class CommandSplitter
{
    // "*" is WinDbg's whole-line comment; "$$" comments end at the next ';' and are not here.
    private static readonly string[] RestOfLineCommands = [".sympath", ".symfix", ".srcpath", ".exepath", "*"];

    public static List<string> Split(string line)
    {
        var parts = new List<string>();
        int start = 0;
        while (start <= line.Length)
        {
            int end = SegmentEnd(line, start);
            parts.Add(line[start..end]);
            start = end + 1;
        }
        return parts.Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
    }

    /// <summary>Where the command that begins at <paramref name="start"/> ends (a ';' or the end of the line).</summary>
    private static int SegmentEnd(string line, int start)
    {
        int first = start;
        while (first < line.Length && char.IsWhiteSpace(line[first])) first++;
        foreach (var c in RestOfLineCommands)
            if (string.Compare(line, first, c, 0, c.Length, StringComparison.OrdinalIgnoreCase) == 0) return line.Length;
        bool quoted = false;
        for (int i = first; i < line.Length; i++)
        {
            char ch = line[i];
            if (ch == '\\' && quoted && i + 1 < line.Length) { i++; continue; }
            if (ch == '"') quoted = !quoted;
            else if (ch == ';' && !quoted) return i;
        }
        return line.Length;
    }
}
