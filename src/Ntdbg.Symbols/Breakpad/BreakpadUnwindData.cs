using Ntdbg.Formats.Breakpad;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Breakpad;

/// <summary>
/// A breakpad file's STACK WIN and STACK CFI records behind <see cref="IUnwindDataSource"/>.
/// STACK WIN types map one to one onto <see cref="X86FrameKind"/> (0 FPO, 4 FRAMEDATA); CFI
/// register names are kept as written (".cfa", ".ra", "$ebp"), and <see cref="CfiRules.Rva"/>
/// is the address of the covering INIT record.
/// </summary>
public sealed class BreakpadUnwindData(BreakpadSymbolFile file) : IUnwindDataSource
{
    public X86FrameInfo? FindX86Frame(uint rva) =>
        file.FindStackWin(rva) is { } r
            ? new X86FrameInfo((X86FrameKind)r.Type, r.Rva, r.CodeSize, r.PrologSize, r.SavedRegisterSize, r.LocalSize,
                r.ParameterSize, r.MaxStackSize, r.AllocatesBasePointer, r.ProgramString)
            : null;

    public CfiRules? FindCfi(uint rva) =>
        file.FindCfi(rva) is { } set ? new CfiRules((uint)set.Init.Address, set.Rules) : null;
}
