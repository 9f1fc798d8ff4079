namespace Ntdbg.Commands.Commands.Basic;

/// <summary>Plain lines, for commands whose whole output is text (.echo, help).</summary>
public sealed record TextResult(IReadOnlyList<string> Lines)
{
    public TextResult(string line) : this([line]) { }
}

public sealed class TextResultRenderer : Rendering.Text.TextRenderer<TextResult>
{
    protected override void Render(TextResult result, TextWriter output)
    {
        foreach (var l in result.Lines) output.WriteLine(l);
    }
}

/// <summary>The results of several commands run by one (!for_each_module).</summary>
public sealed record CompositeResult(IReadOnlyList<Engine.CommandOutcome> Outcomes);

public sealed class CompositeResultRenderer : Rendering.Text.TextRenderer<CompositeResult>
{
    protected override void Render(CompositeResult result, TextWriter output)
    {
        foreach (var o in result.Outcomes) Rendering.Text.TextRendering.Default.Render(o, output);
    }
}
