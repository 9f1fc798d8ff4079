namespace Ntdbg.Symbols.Locators;

/// <summary>The attempts of one lookup, in order (what `!sym noisy` prints). Thread-safe.</summary>
public sealed class SymbolLog
{
    private readonly List<string> _lines = [];
    private readonly Action<string>? _echo;

    public SymbolLog(Action<string>? echo = null) => _echo = echo;

    public void Add(string line)
    {
        lock (_lines) _lines.Add(line);
        _echo?.Invoke(line);
    }

    public IReadOnlyList<string> Lines { get { lock (_lines) return _lines.ToArray(); } }
}
