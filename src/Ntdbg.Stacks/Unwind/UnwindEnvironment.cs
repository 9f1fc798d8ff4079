using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Stacks.Unwind;

/// <summary>
/// What a stack walk asks of the debugging session: memory, the module that holds an address
/// (loading its symbols and image on the way), the unwind descriptions its symbol file carries
/// (x86 frame data, breakpad CFI) and, for scanning, whether a value looks like a return address.
/// </summary>
public sealed class UnwindEnvironment(IVirtualMemory memory, Func<ulong, ulong?> moduleBaseOf)
{
    public IVirtualMemory Memory { get; } = memory;

    /// <summary>The base of the module holding an address, or null when it is in none.</summary>
    public Func<ulong, ulong?> ModuleBaseOf { get; } = moduleBaseOf;

    /// <summary>The unwind descriptions of the module at a base (from its symbol file), or null.</summary>
    public Func<ulong, IUnwindDataSource?> UnwindDataOf { get; init; } = _ => null;

    /// <summary>The start of the function holding an address (from its symbols), or null; lets a search prefer the call that targets it.</summary>
    public Func<ulong, ulong?> FunctionStartOf { get; init; } = _ => null;

    /// <summary>The name of the function holding an address (from its symbols), or null; the walk recognises the exception dispatcher by it.</summary>
    public Func<ulong, string?> FunctionNameOf { get; init; } = _ => null;

    /// <summary>Whether a value found on the stack is plausibly a return address; null disables scanning.</summary>
    public Func<ulong, bool>? LooksLikeReturnAddress { get; init; }
}
