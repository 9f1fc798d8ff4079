namespace Ntdbg.Symbols.Model;

/// <summary>A pointer (or C++ reference) to a type resolved on first use.</summary>
public sealed class PointerType : DbgType
{
    private readonly Lazy<DbgType> _target;

    public PointerType(Func<DbgType> target, int size, bool isReference = false)
    {
        _target = new Lazy<DbgType>(target, LazyThreadSafetyMode.ExecutionAndPublication);
        PointerSize = size;
        IsReference = isReference;
    }

    public PointerType(DbgType target, int size, bool isReference = false) : this(() => target, size, isReference) { }

    public override DbgTypeKind Kind => DbgTypeKind.Pointer;
    public DbgType Target => _target.Value;
    public int PointerSize { get; }
    public bool IsReference { get; }
    public override ulong Size => (ulong)PointerSize;
    public override string Name => Target.Name + (IsReference ? " &" : " *");
}
