namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// Parses PDH counter paths: <c>\\MACHINE\Object(Parent/Instance#Index)\Counter</c>,
/// <c>\Object(Instance)\Counter</c> and <c>\Object\Counter</c>.
/// <para>
/// Instances may hold what PDH allows in them, backslashes and parentheses included
/// (<c>\Paging File(\??\C:\pagefile.sys)\% Usage</c>, <c>\Process(app (x86))\ID Process</c>):
/// the counter is the text after the last backslash (counter names hold none), the instance the
/// text between the object's opening parenthesis and the parenthesis closing the object part,
/// found by balancing from the end; an instance with unbalanced parentheses falls back to the first
/// opening parenthesis. The parsed path prints back as the same text (<see cref="CounterPath.ToString"/>).
/// </para>
/// </summary>
public static class CounterPathParser
{
    /// <summary>Parses a path; throws <see cref="FormatException"/> with a one-line reason when it is not one.</summary>
    public static CounterPath Parse(string text) =>
        TryParse(text, out var path, out string? error) ? path : throw new FormatException(error);

    public static bool TryParse(string text, out CounterPath path, out string? error)
    {
        path = null!;
        error = null;
        if (string.IsNullOrEmpty(text) || text[0] != '\\')
            return Fail($"'{text}' is not a counter path: it must start with \\Object or \\\\Machine", out error);
        string? machine = null;
        int rest = 0;
        if (text.StartsWith(@"\\", StringComparison.Ordinal))
        {
            int end = text.IndexOf('\\', 2);
            if (end < 0 || end == 2) return Fail($"'{text}' is not a counter path: \\\\Machine must be followed by \\Object\\Counter", out error);
            machine = text[2..end];
            rest = end;
        }
        int lastSlash = text.LastIndexOf('\\');
        if (lastSlash <= rest) return Fail($"'{text}' is not a counter path: no \\Counter after the object", out error);
        string counter = text[(lastSlash + 1)..];
        string objectPart = text[(rest + 1)..lastSlash];
        if (counter.Length == 0) return Fail($"'{text}' is not a counter path: the counter name is empty", out error);
        if (objectPart.Length == 0) return Fail($"'{text}' is not a counter path: the object name is empty", out error);
        string obj = objectPart;
        string? instance = null;
        if (objectPart[^1] == ')')
        {
            int open = MatchingOpen(objectPart);
            if (open < 0) open = objectPart.IndexOf('(');
            if (open <= 0) return Fail($"'{text}' is not a counter path: the object name is empty or the instance has no opening parenthesis", out error);
            obj = objectPart[..open];
            instance = objectPart[(open + 1)..^1];
        }
        else if (objectPart.Contains('\\'))
        {
            // A backslash outside an instance: the object would need one, which PDH never writes.
            return Fail($"'{text}' is not a counter path: a backslash in the object name outside an instance's parentheses", out error);
        }
        path = new CounterPath(machine, obj, instance, counter);
        return true;
    }

    /// <summary>The index of the '(' that balances the final ')' of <paramref name="objectPart"/>, or -1.</summary>
    private static int MatchingOpen(string objectPart)
    {
        int depth = 0;
        for (int i = objectPart.Length - 1; i >= 0; i--)
        {
            if (objectPart[i] == ')') depth++;
            else if (objectPart[i] == '(' && --depth == 0) return i;
        }
        return -1;
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }
}
