using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// The letters after `k` (kb, kv, kp, kP, kn, kc, kf, in any combination: "kvn", "kbn") and the
/// optional "= start registers" and frame count, as WinDbg reads them.
/// </summary>
public sealed record StackOptions(bool Numbered, bool Arguments, bool Annotations, bool Parameters, bool ParametersMultiline, bool ModuleOnly, bool FrameSizes)
{
    /// <summary>Plain `kn`: what .frame and !thread show a frame as.</summary>
    public static StackOptions Kn { get; } = new(true, false, false, false, false, false, false);

    public static StackOptions Parse(CommandContext context, out string rest)
    {
        string text = context.Arguments;
        int i = 0;
        while (i < text.Length && "bvpPncfLM".Contains(text[i])) i++;
        string letters = text[..i];
        rest = text[i..];
        bool v = letters.Contains('v');
        return new StackOptions(
            Numbered: letters.Contains('n'),
            Arguments: letters.Contains('b') || v,
            Annotations: v,
            Parameters: letters.Contains('p') || letters.Contains('P'),
            ParametersMultiline: letters.Contains('P'),
            ModuleOnly: letters.Contains('c'),
            FrameSizes: letters.Contains('f'));
    }
}
