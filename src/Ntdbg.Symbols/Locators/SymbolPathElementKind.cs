namespace Ntdbg.Symbols.Locators;

public enum SymbolPathElementKind
{
    /// <summary>A plain folder: flat `name.pdb`, `ext\name.pdb`, or a store layout inside.</summary>
    Folder,
    /// <summary>`srv*[store*...]server` or `symsrv*dll*[store*...]server`: stores then an upstream.</summary>
    Server,
    /// <summary>`cache*[dir]`: a local cache for the elements after it.</summary>
    Cache,
}
