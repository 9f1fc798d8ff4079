using Ntdbg.Core.Errors;
using Ntdbg.Symbols.Locators;
using Ntdbg.Targets.Kernel;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// nt's symbol RVAs for a kernel dump while it opens, from the Volatility ISF table with the
/// kernel image's PDB name, GUID and age in the local folders of a symbol path (each key is looked
/// up once).
/// </summary>
public sealed class IsfKernelSymbolProvider(SymbolPath path) : IKernelSymbolProvider
{
    private readonly Dictionary<(string, Guid, uint), IKernelSymbols?> _found = [];

    public IKernelSymbols? Find(string pdbName, Guid guid, uint age, Action<string> note)
    {
        if (_found.TryGetValue((pdbName, guid, age), out var known)) return known;
        IKernelSymbols? result = null;
        foreach (var folder in path.LocalFolders().Where(Directory.Exists))
        {
            try
            {
                var match = IsfLocator.Find(folder, pdbName, guid, age);
                foreach (var r in match.Rejected) note($"{folder}: {r}");
                if (match.Found) { result = new Table(match.Table!); break; }
            }
            catch (Exception e) when (e is DumpFormatException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                note($"{folder}: ISF table for {pdbName} unusable: {e.Message}");
            }
        }
        if (result == null) note($"no ISF table {pdbName} {guid:N}-{age} in the symbol path's local folders");
        _found[(pdbName, guid, age)] = result;
        return result;
    }

    private sealed class Table(IsfSymbolTable table) : IKernelSymbols
    {
        public string Source => table.Path;
        public bool TryGetRva(string symbol, out uint rva) => table.TryGetSymbolRva(symbol, out rva);
    }
}
