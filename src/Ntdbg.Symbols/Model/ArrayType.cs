namespace Ntdbg.Symbols.Model;

/// <summary>A fixed-size array; Count is the element count (Size / element size when the file gives only bytes).</summary>
public sealed class ArrayType : DbgType
{
    private readonly Lazy<DbgType> _element;

    public ArrayType(Func<DbgType> element, ulong count, ulong size)
    {
        _element = new Lazy<DbgType>(element, LazyThreadSafetyMode.ExecutionAndPublication);
        Count = count;
        Size = size;
    }

    public ArrayType(DbgType element, ulong count) : this(() => element, count, element.Size * count) { }

    public override DbgTypeKind Kind => DbgTypeKind.Array;
    public DbgType Element => _element.Value;
    public ulong Count { get; }
    public override ulong Size { get; }
    public override string Name => $"{Element.Name} [{Count}]";
}
