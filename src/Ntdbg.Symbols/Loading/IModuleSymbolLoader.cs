using Ntdbg.Targets.Model;

namespace Ntdbg.Symbols.Loading;

/// <summary>Finds and opens a module's symbols (PDB, ISF table or export table) through the symbol path.</summary>
public interface IModuleSymbolLoader
{
    /// <param name="module">The module with its debugger name ("nt", "amdppm").</param>
    /// <param name="noisy">Receives a line per place tried when `!sym noisy` is on; null otherwise.</param>
    ModuleSymbolLoad Load(ModuleInfo module, Action<string>? noisy);
}
