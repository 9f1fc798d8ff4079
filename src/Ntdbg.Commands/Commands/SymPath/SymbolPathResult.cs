namespace Ntdbg.Commands.Commands.SymPath;

/// <summary>What `.sympath` and `.symfix` print: the path as typed and with defaults filled in.</summary>
public sealed record SymbolPathResult(string Path, string Expanded, IReadOnlyList<string> Warnings);

public sealed class SymbolPathText : Rendering.Text.TextRenderer<SymbolPathResult>
{
    protected override void Render(SymbolPathResult r, TextWriter o)
    {
        o.WriteLine($"Symbol search path is: {(r.Path.Length > 0 ? r.Path : "<empty>")}");
        o.WriteLine($"Expanded Symbol search path is: {(r.Expanded.Length > 0 ? r.Expanded : "<empty>")}");
        foreach (var w in r.Warnings) o.WriteLine($"WARNING: {w}");
    }
}
