using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Model;

namespace Ntdbg.Symbols.Loading;

/// <summary>
/// The session's symbols: one <see cref="ModuleSymbols"/> per module, loaded on first use through
/// an <see cref="IModuleSymbolLoader"/>, and the lookups commands use — `module!name` to an
/// address, an address to `module!name+0x10`, wildcards for `x`, types by name for `dt`.
/// </summary>
public sealed class SymbolManager
{
    private readonly ModuleSymbols[] _modules;
    private readonly ModuleSymbols[] _byBase;
    private readonly IModuleSymbolLoader _loader;

    /// <param name="modules">The modules under their debugger names (unique, as the module table gives them).</param>
    public SymbolManager(IEnumerable<ModuleInfo> modules, IModuleSymbolLoader loader)
    {
        _modules = [.. modules.Select(m => new ModuleSymbols(m))];
        _byBase = [.. _modules.OrderBy(m => m.Module.Base)];
        _loader = loader;
    }

    /// <summary>Receives load progress lines when `!sym noisy` is on; null when quiet.</summary>
    public Action<string>? NoisyOutput { get; set; }

    /// <summary>Raised after every load attempt (the session maps images found in the store into memory).</summary>
    public event Action<ModuleSymbols>? ModuleLoaded;

    /// <summary>Raised when a module's symbols are forgotten (`.reload`).</summary>
    public event Action<ModuleSymbols>? ModuleUnloaded;

    /// <summary>Modules in the target's load order.</summary>
    public IReadOnlyList<ModuleSymbols> Modules => _modules;

    /// <summary>By debugger name ("nt") or file name ("amdppm.sys"), case-insensitive.</summary>
    public ModuleSymbols? Find(string name) =>
        _modules.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? _modules.FirstOrDefault(m => string.Equals(m.Module.FileName, name, StringComparison.OrdinalIgnoreCase));

    public ModuleSymbols? FindByAddress(ulong address)
    {
        int lo = 0, hi = _byBase.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var m = _byBase[mid].Module;
            if (address < m.Base) hi = mid - 1;
            else if (address - m.Base >= m.Size) lo = mid + 1;
            else return _byBase[mid];
        }
        return null;
    }

    /// <summary>The module's source, loading it now if it is deferred; null when it has none.</summary>
    public ISymbolSource? EnsureLoaded(ModuleSymbols module)
    {
        if (module.Status == SymbolStatus.Deferred) Load(module);
        return module.Source;
    }

    /// <summary>Loads (or reloads) one module's symbols now and returns the attempt.</summary>
    public ModuleSymbolLoad Load(ModuleSymbols module)
    {
        ModuleSymbolLoad load;
        try
        {
            load = _loader.Load(module.Module, NoisyOutput);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Core.Errors.DumpFormatException)
        {
            load = new ModuleSymbolLoad(null, null, module.Module.CodeView, [], e.Message);
        }
        if (!ReferenceEquals(module.Source, load.Source)) (module.Source as IDisposable)?.Dispose();
        module.LastLoad = load;
        module.Source = load.Source;
        module.Status = load.Source != null ? SymbolStatus.Loaded : SymbolStatus.None;
        ModuleLoaded?.Invoke(module);
        return load;
    }

    /// <summary>Attaches a source directly (tests, and `.reload` of a file given by name).</summary>
    public void Attach(ModuleSymbols module, ISymbolSource source)
    {
        if (!ReferenceEquals(module.Source, source)) (module.Source as IDisposable)?.Dispose();
        module.Source = source;
        module.Status = SymbolStatus.Loaded;
        module.LastLoad = new ModuleSymbolLoad(source, null, module.Module.CodeView, [], null);
    }

    /// <summary>Forgets a module's symbols: the next use loads them again (`.reload` without /f).</summary>
    public void Unload(ModuleSymbols module)
    {
        (module.Source as IDisposable)?.Dispose();
        module.Source = null;
        module.LastLoad = null;
        module.Status = SymbolStatus.Deferred;
        ModuleUnloaded?.Invoke(module);
    }

    /// <summary>
    /// "module!name" or a bare "name" (loaded modules first, then the deferred ones, in load
    /// order) to an address. Only a single match counts for exact names.
    /// </summary>
    public bool TryResolve(string name, out ulong address)
    {
        address = 0;
        int bang = name.IndexOf('!');
        if (bang >= 0)
        {
            var module = Find(name[..bang]);
            if (module == null) return false;
            var source = EnsureLoaded(module);
            var hits = source?.FindByName(name[(bang + 1)..]);
            if (hits is not { Count: > 0 }) return false;
            address = module.Module.Base + hits[0].Rva;
            return true;
        }
        foreach (var module in _modules.OrderBy(m => m.Status == SymbolStatus.Loaded ? 0 : 1))
        {
            var hits = EnsureLoaded(module)?.FindByName(name);
            if (hits is { Count: > 0 })
            {
                address = module.Module.Base + hits[0].Rva;
                return true;
            }
        }
        return false;
    }

    /// <summary>The module and closest symbol for an address; null outside every module.</summary>
    public AddressSymbol? LookupAddress(ulong address)
    {
        var module = FindByAddress(address);
        if (module == null) return null;
        ulong offset = address - module.Module.Base;
        var source = EnsureLoaded(module);
        if (source != null && offset <= uint.MaxValue && source.TryFindByRva((uint)offset, out var symbol, out uint displacement))
        {
            // A symbol with a known size does not name addresses past its end (they are in a gap).
            if (symbol.Size == 0 || displacement < symbol.Size || symbol.Kind is SymbolEntryKind.Public or SymbolEntryKind.Export)
                return new AddressSymbol(module, symbol, displacement);
        }
        return new AddressSymbol(module, null, offset);
    }

    /// <summary>"nt!KeBugCheckEx+0x10", "amdppm+0x1234", or null outside every module.</summary>
    public string? FormatAddress(ulong address) => LookupAddress(address)?.Display;

    /// <summary>
    /// Symbols for `x`: "module!pattern" where both parts may hold wildcards; a bare pattern
    /// searches every module. Modules are loaded as the search reaches them.
    /// </summary>
    public IEnumerable<(ModuleSymbols Module, ModuleSymbol Symbol)> Match(string pattern)
    {
        int bang = pattern.IndexOf('!');
        string modulePattern = bang >= 0 ? pattern[..bang] : "*";
        string namePattern = bang >= 0 ? pattern[(bang + 1)..] : pattern;
        foreach (var module in _modules)
        {
            if (!SymbolWildcard.Matches(modulePattern, module.Name)) continue;
            var source = EnsureLoaded(module);
            if (source == null) continue;
            foreach (var s in source.Match(namePattern)) yield return (module, s);
        }
    }

    /// <summary>
    /// A type by "module!Type" or bare "Type" (loaded modules first, then deferred ones; the
    /// kernel "nt" before others). Null when no module's symbols define it.
    /// </summary>
    public (ModuleSymbols Module, DbgType Type)? FindType(string name)
    {
        int bang = name.IndexOf('!');
        if (bang >= 0)
        {
            var module = Find(name[..bang]);
            var type = module == null ? null : EnsureLoaded(module)?.Types?.FindType(name[(bang + 1)..]);
            return type == null ? null : (module!, type);
        }
        foreach (var module in _modules.OrderBy(m => m.Status == SymbolStatus.Loaded ? 0 : 1).ThenBy(m => m.Name == "nt" ? 0 : 1))
        {
            var type = EnsureLoaded(module)?.Types?.FindType(name);
            if (type != null) return (module, type);
        }
        return null;
    }
}
