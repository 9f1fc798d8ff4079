using Ntdbg.Symbols.Locators;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Symbols.Loading;

/// <summary>
/// Finds a module's symbols through the symbol path: the PDB by its CodeView key (from the dump,
/// or from the image found in the store by TimeDateStamp+SizeOfImage), a Volatility ISF table
/// (by GUID/age, or for the kernel by the dump's anchor addresses), and the export table last.
/// </summary>
public sealed class ModuleSymbolLoader(ITarget target, SymbolLocatorService locator) : IModuleSymbolLoader
{
    public ITarget Target { get; } = target;
    public SymbolLocatorService Locator { get; } = locator;

    public ModuleSymbolLoad Load(ModuleInfo module, Action<string>? noisy) =>
        new(null, null, module.CodeView, [], "symbol loading is not built yet");
}
