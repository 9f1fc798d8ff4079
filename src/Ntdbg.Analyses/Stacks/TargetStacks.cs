using Ntdbg.Core.Memory;
using Ntdbg.Stacks.Disassembly;
using Ntdbg.Stacks.Unwind;
using Ntdbg.Symbols.Loading;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Stacks;

/// <summary>
/// Stack walking over a target's memory and its symbols, shared by `k`, `.frame`, `!analyze` and
/// the triage report: modules (loading their symbols and stored images as the walk reaches
/// them), the unwind data their symbol files carry, and what counts as a return address when
/// scanning.
/// </summary>
public sealed class TargetStacks
{
    private readonly IVirtualMemory _memory;
    private readonly SymbolManager _symbols;
    private readonly ModuleSections _sections;
    private readonly int _bitness;

    public TargetStacks(IVirtualMemory memory, SymbolManager symbols, int pointerSize)
    {
        _memory = memory;
        _symbols = symbols;
        _sections = new ModuleSections(memory);
        _bitness = pointerSize * 8;
        Environment = new UnwindEnvironment(memory, ModuleBaseOf)
        {
            UnwindDataOf = b => _symbols.FindByAddress(b) is { } m ? _symbols.EnsureLoaded(m)?.UnwindData : null,
            LooksLikeReturnAddress = LooksLikeReturnAddress,
            FunctionNameOf = a => _symbols.LookupAddress(a)?.Symbol?.Name,
            FunctionStartOf = a => _symbols.LookupAddress(a) is { Symbol: not null } hit ? a - hit.Displacement : null,
        };
    }

    public UnwindEnvironment Environment { get; }

    public (IReadOnlyList<StackFrame> Frames, string? Stopped) Walk(RegisterContext context, int count) =>
        new StackWalker(Environment).Walk(context, count);

    private ulong? ModuleBaseOf(ulong address)
    {
        var module = _symbols.FindByAddress(address);
        // Loading a module's symbols also maps its image from the symbol store, so .pdata the dump lacks is there.
        if (module != null) _symbols.EnsureLoaded(module);
        return module?.Module.Base;
    }

    /// <summary>
    /// A return address follows a call instruction; where the code is not readable, it lies inside
    /// a known function (not at its start, not past a known size), or in a module without symbols
    /// to say otherwise, and in a code section of its module's header when that is readable.
    /// </summary>
    private bool LooksLikeReturnAddress(ulong a)
    {
        if (CallSite.EndsWithCall(_memory, a, _bitness) is bool call) return call;
        var module = _symbols.FindByAddress(a);
        if (module == null) return false;
        if (_sections.InCodeSection(module, (uint)(a - module.Module.Base)) == false) return false;
        if (module.Source == null || module.Source.Symbols.Count == 0) return true;
        return _symbols.LookupAddress(a) is { Symbol: { } sym, Displacement: > 0 and < 0x10000 } hit
            && (sym.Size == 0 || hit.Displacement < sym.Size);
    }
}
