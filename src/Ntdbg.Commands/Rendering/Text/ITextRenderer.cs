namespace Ntdbg.Commands.Rendering.Text;

/// <summary>Lays out one result type as WinDbg prints it.</summary>
public interface ITextRenderer
{
    Type ResultType { get; }
    void Render(object result, TextWriter output);
}

public abstract class TextRenderer<T> : ITextRenderer
{
    public Type ResultType => typeof(T);
    public void Render(object result, TextWriter output) => Render((T)result, output);
    protected abstract void Render(T result, TextWriter output);
}
