using System.Reflection;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>Finds the renderer for a result's type; every result type must have one (a test checks).</summary>
public sealed class TextRendering
{
    private readonly Dictionary<Type, ITextRenderer> _renderers = [];

    public TextRendering(params Assembly[] assemblies)
    {
        foreach (var asm in assemblies)
            foreach (var t in asm.GetTypes())
            {
                if (t.IsAbstract || !typeof(ITextRenderer).IsAssignableFrom(t) || t.GetConstructor(Type.EmptyTypes) == null) continue;
                var r = (ITextRenderer)Activator.CreateInstance(t)!;
                _renderers.Add(r.ResultType, r);
            }
    }

    public static TextRendering Default { get; } = new(typeof(TextRendering).Assembly);

    public bool Has(Type t) => _renderers.ContainsKey(t);

    public void Render(CommandOutcome outcome, TextWriter output)
    {
        foreach (var line in outcome.Messages) output.WriteLine(line);
        if (outcome.Error != null)
        {
            output.WriteLine(outcome.Error);
            return;
        }
        if (outcome.Result == null) return;
        Render(outcome.Result, output);
    }

    public void Render(object result, TextWriter output)
    {
        if (_renderers.TryGetValue(result.GetType(), out var r)) r.Render(result, output);
        else throw new InvalidOperationException($"no text renderer for {result.GetType().Name}");
    }
}
