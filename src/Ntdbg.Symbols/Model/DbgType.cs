namespace Ntdbg.Symbols.Model;

/// <summary>What a type is, independent of the symbol format it came from (PDB, ISF).</summary>
public enum DbgTypeKind
{
    Primitive,
    Pointer,
    Array,
    Udt,
    Enum,
    Function,
}

/// <summary>
/// A type as the symbol layer hands it to commands: the same shape whether a PDB's TPI or a
/// Volatility ISF table produced it. Renderers derive WinDbg's spellings (`Ptr64 _KTHREAD`,
/// `Uint4B`) and C's (`struct _KTHREAD *`) from this structure; the model itself stores only
/// what the file says. Referenced types resolve lazily, so self-referencing structures cost
/// nothing until a command walks them.
/// </summary>
public abstract class DbgType
{
    public abstract DbgTypeKind Kind { get; }

    /// <summary>The declared name for UDTs, enums and primitives (C spelling: "unsigned long"); a C-style composition for the rest.</summary>
    public abstract string Name { get; }

    /// <summary>Size in bytes (0 for void, functions and incomplete types).</summary>
    public abstract ulong Size { get; }

    public override string ToString() => Name;
}
