namespace Ntdbg.Symbols.Model;

/// <summary>The types of one module's symbol file.</summary>
public interface ITypeSystem
{
    /// <summary>The module's pointer size (4 or 8); pointers built by casts use it.</summary>
    int PointerSize { get; }

    /// <summary>
    /// A UDT, enum or primitive by its name ("_EPROCESS", "Blob", "unsigned long"): exact match first,
    /// then case-insensitive. Forward references resolve to their definition. Null when absent.
    /// </summary>
    DbgType? FindType(string name);

    /// <summary>UDTs and enums whose names match a WinDbg wildcard (`*`, `?`, case-insensitive), each name once.</summary>
    IEnumerable<DbgType> MatchTypes(string pattern);
}
