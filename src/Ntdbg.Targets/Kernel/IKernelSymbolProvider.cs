namespace Ntdbg.Targets.Kernel;

/// <summary>
/// The kernel's own symbols, looked up while a kernel dump opens, before any session exists:
/// the dump's KDBG may be encoded (its keys are nt globals) and its header may not say where
/// the kernel's lists are. Implemented above this layer (ISF tables, PDBs); the target only asks.
/// </summary>
public interface IKernelSymbolProvider
{
    /// <summary>The symbols of the kernel PDB with this name, GUID and age, or null (with a reason in <paramref name="note"/>).</summary>
    IKernelSymbols? Find(string pdbName, Guid guid, uint age, Action<string> note);
}

/// <summary>RVAs of one kernel build's symbols.</summary>
public interface IKernelSymbols
{
    /// <summary>Where they came from (a file path), for messages.</summary>
    string Source { get; }
    bool TryGetRva(string symbol, out uint rva);
}
