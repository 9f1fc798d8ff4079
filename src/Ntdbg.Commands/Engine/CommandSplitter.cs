namespace Ntdbg.Commands.Engine;

/// <summary>Splits a command line on ';' outside double quotes, as WinDbg does.</summary>
public static class CommandSplitter
{
    public static List<string> Split(string line)
    {
        var parts = new List<string>();
        bool quoted = false;
        int start = 0;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (c == '\\' && quoted && i + 1 < line.Length) { i++; continue; }
            if (c == '"') quoted = !quoted;
            else if (c == ';' && !quoted)
            {
                parts.Add(line[start..i]);
                start = i + 1;
            }
        }
        parts.Add(line[start..]);
        return parts.Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
    }
}
