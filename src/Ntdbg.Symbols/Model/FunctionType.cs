namespace Ntdbg.Symbols.Model;

/// <summary>A function signature (procedure or member function); `x` and `dt` print it.</summary>
public sealed class FunctionType : DbgType
{
    private readonly Lazy<DbgType> _return;
    private readonly Lazy<IReadOnlyList<DbgType>> _parameters;

    public FunctionType(Func<DbgType> returnType, Func<IReadOnlyList<DbgType>> parameters, string callingConvention = "")
    {
        _return = new Lazy<DbgType>(returnType, LazyThreadSafetyMode.ExecutionAndPublication);
        _parameters = new Lazy<IReadOnlyList<DbgType>>(parameters, LazyThreadSafetyMode.ExecutionAndPublication);
        CallingConvention = callingConvention;
    }

    public override DbgTypeKind Kind => DbgTypeKind.Function;
    public DbgType ReturnType => _return.Value;
    public IReadOnlyList<DbgType> Parameters => _parameters.Value;

    /// <summary>"__cdecl", "__stdcall", "__fastcall", "__thiscall" or "" when unknown.</summary>
    public string CallingConvention { get; }
    public override ulong Size => 0;
    public override string Name => $"{ReturnType.Name} ({string.Join(", ", Parameters.Select(p => p.Name))})";
}
