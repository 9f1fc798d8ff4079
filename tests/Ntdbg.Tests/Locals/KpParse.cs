using System.Text.RegularExpressions;

namespace Ntdbg.Tests.Locals;

/// <summary>`kp`, `kP` and `dv /t` output split into functions and "type name = value" parameters.</summary>
public static partial class KpParse
{
    public sealed record Parameter(string Type, string Name, string Value);

    public sealed record Frame(string Function, IReadOnlyList<Parameter> Parameters, string Line);

    /// <summary>The frames of `kp` that name parameters (module!function(...)), innermost first; kP's lines are joined first.</summary>
    public static List<Frame> Frames(string text)
    {
        // kP continues a frame on lines indented with tabs: join them back.
        string joined = Regex.Replace(text.Replace("\r", "", StringComparison.Ordinal), @"\(\n\t+", "(");
        joined = Regex.Replace(joined, @", \n\t+", ", ");
        var frames = new List<Frame>();
        foreach (Match m in FrameLine().Matches(joined))
        {
            string list = m.Groups[2].Value;
            var ps = list == "void" ? [] : ParameterList().Matches(list)
                .Select(p => new Parameter(p.Groups[1].Value, p.Groups[2].Value, p.Groups[3].Value)).ToList();
            frames.Add(new Frame(m.Groups[1].Value, ps, m.Value));
        }
        return frames;
    }

    /// <summary>`dv /t` lines: (type, name, value).</summary>
    public static List<Parameter> Dv(string text) =>
        DvLine().Matches(text).Select(m => new Parameter(m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value.TrimEnd('\r'))).ToList();

    public static Parameter Named(this Frame f, string name) => f.Parameters.Single(p => p.Name == name);

    [GeneratedRegex(@"[\w.]+!(\w+)\((.*?)\)(?:\+0x[0-9a-f]+)?(?: \([^()]*\))?\r?$", RegexOptions.Multiline)]
    private static partial Regex FrameLine();

    [GeneratedRegex(@"(?:^|, )([^=]+?) (\w+) = (.*?)(?=, [^=,]+ \w+ = |$)")]
    private static partial Regex ParameterList();

    [GeneratedRegex(@"^\s*(\S.*?) (\w+) = (.*)$", RegexOptions.Multiline)]
    private static partial Regex DvLine();
}
