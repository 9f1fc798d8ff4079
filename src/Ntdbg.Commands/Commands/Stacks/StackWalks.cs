using Ntdbg.Commands.Session;
using Ntdbg.Stacks.Disassembly;
using Ntdbg.Stacks.Unwind;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// The session's side of a stack walk, shared by k, .frame, !analyze and the triage report:
/// modules (loading their symbols and stored images as the walk reaches them), the unwind data
/// their symbol files carry, and what counts as a return address when scanning.
/// </summary>
public static class StackWalks
{
    public static (IReadOnlyList<StackFrame> Frames, string? Stopped) Walk(DebugSession s, RegisterContext context, int count) =>
        new StackWalker(Environment(s)).Walk(context, count);

    public static UnwindEnvironment Environment(DebugSession s)
    {
        var sections = new Symbols.SymbolDescriber(s);
        int bitness = s.PointerSize * 8;
        return new UnwindEnvironment(s.Memory, a =>
        {
            var module = s.SymbolTable.FindByAddress(a);
            // Loading a module's symbols also maps its image from the symbol store, so .pdata the dump lacks is there.
            if (module != null) s.SymbolTable.EnsureLoaded(module);
            return module?.Module.Base;
        })
        {
            UnwindDataOf = b => s.SymbolTable.FindByAddress(b) is { } m ? s.SymbolTable.EnsureLoaded(m)?.UnwindData : null,
            LooksLikeReturnAddress = a => LooksLikeReturnAddress(s, sections, a, bitness),
            FunctionStartOf = a => s.SymbolTable.LookupAddress(a) is { Symbol: { } sym } hit ? a - hit.Displacement : null,
        };
    }

    /// <summary>
    /// A return address follows a call instruction; where the code is not readable, it lies inside
    /// a known function (not at its start, not past a known size), or in a module without symbols
    /// to say otherwise, and in a code section of its module's header when that is readable.
    /// </summary>
    private static bool LooksLikeReturnAddress(DebugSession s, Symbols.SymbolDescriber sections, ulong a, int bitness)
    {
        if (CallSite.EndsWithCall(s.Memory, a, bitness) is bool call) return call;
        var module = s.SymbolTable.FindByAddress(a);
        if (module == null) return false;
        if (sections.InCodeSection(module, (uint)(a - module.Module.Base)) == false) return false;
        if (module.Source == null || module.Source.Symbols.Count == 0) return true;
        return s.SymbolTable.LookupAddress(a) is { Symbol: { } sym, Displacement: > 0 and < 0x10000 } hit
            && (sym.Size == 0 || hit.Displacement < sym.Size);
    }
}
