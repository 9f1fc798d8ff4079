namespace Ntdbg.Commands.Language;

/// <summary>
/// Resolves `module!symbol` and bare names in expressions. The symbols layer provides the real one;
/// until it lands, module names resolve to their base address only.
/// </summary>
public interface ISymbolResolver
{
    bool TryResolve(string name, out ulong address);
}
