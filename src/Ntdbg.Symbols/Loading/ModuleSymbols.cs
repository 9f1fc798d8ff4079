using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Model;

namespace Ntdbg.Symbols.Loading;

/// <summary>One module's symbol state in a session: deferred until first use, then a source or "none".</summary>
public sealed class ModuleSymbols(ModuleInfo module)
{
    /// <summary>The module under its debugger name ("nt", "crash_x64").</summary>
    public ModuleInfo Module { get; } = module;
    public string Name => Module.Name;
    public SymbolStatus Status { get; internal set; } = SymbolStatus.Deferred;

    /// <summary>The attached source; null while deferred or when none was found. Does not trigger a load.</summary>
    public ISymbolSource? Source { get; internal set; }

    /// <summary>The last load attempt (null while deferred and never tried).</summary>
    public ModuleSymbolLoad? LastLoad { get; internal set; }

    public bool Contains(ulong address) => Module.Contains(address);
}
