namespace Ntdbg.Commands.Language;

/// <summary>What an expression can refer to: registers, pseudo-registers, symbols and memory.</summary>
public interface IExpressionScope
{
    int PointerSize { get; }
    bool TryGetRegister(string name, out ulong value);
    /// <summary>Pseudo-registers without the '$': ip, csp, ptrsize, t0..t19, peb, teb, proc, thread...</summary>
    bool TryGetPseudoRegister(string name, out ulong value);
    bool TryResolveSymbol(string name, out ulong value);
    /// <summary>Reads memory for poi/dwo/qwo/wo/by; throws ExpressionException naming the address on a hole.</summary>
    ulong ReadMemory(ulong address, int size);
}
