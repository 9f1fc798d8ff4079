using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Rendering.Json;
using Ntdbg.Commands.Rendering.Text;

namespace Ntdbg.Cli;

/// <summary>What the standalone verbs (triage, pool findtag, poolmon trend, perflog leak) share around their typed results.</summary>
public static class VerbOutput
{
    /// <summary>The result under its command name, as one JSON object or through the text renderers.</summary>
    public static int Write(string command, object result, bool json, TextWriter output)
    {
        var outcome = new CommandOutcome(command, result, null);
        if (json) output.WriteLine(JsonRendering.Render(outcome));
        else TextRendering.Default.Render(outcome, output);
        return 0;
    }

    /// <summary>The symbol path with a folder of drivers added, so PDBs beside them name the dump's functions.</summary>
    public static string WithFolder(string? symbolPath, string folder) =>
        string.IsNullOrEmpty(symbolPath) ? folder : $"{symbolPath};{folder}";
}
