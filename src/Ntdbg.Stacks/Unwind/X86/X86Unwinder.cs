using Ntdbg.Core.Memory;
using Ntdbg.Stacks.Disassembly;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Stacks.Unwind.X86;

/// <summary>
/// One x86 unwind step, in the order the debuggers trust them: the function's frame record from
/// its symbol file (FRAMEDATA program, FPO_DATA, breakpad STACK WIN), then breakpad STACK CFI,
/// then the EBP chain (accepted only when it leads to a plausible return address), then a stack
/// scan. Registers are "$eip", "$esp", "$ebp", "$ebx", "$esi", "$edi" as the programs name them.
/// </summary>
public sealed class X86Unwinder(UnwindEnvironment env)
{
    /// <summary>How far above the stack pointer a frame pointer may lie before it is not believed.</summary>
    private const uint MaxFrameDistance = 0x100000;
    private const uint MaxScanBytes = 0x2000;
    private const uint ReturnAddressSearchWords = 16;
    private readonly PostfixProgram _programs = new(env.Memory);

    public static readonly string[] Registers = ["$eip", "$esp", "$ebp", "$ebx", "$esi", "$edi"];

    /// <summary>
    /// Unwinds one frame in place. calleeParams is the parameter size of the frame unwound
    /// before (its arguments lie at the bottom of this frame). False when the walk must stop.
    /// </summary>
    public bool Unwind(Dictionary<string, uint> regs, uint calleeParams, out UnwindStep step, out string? problem)
    {
        uint eip = regs["$eip"];
        step = default;
        problem = null;
        if (env.FunctionNameOf(eip) == "KiUserExceptionDispatcher" && TryDispatcherContext(regs, out step)) return true;
        var data = DataFor(eip, out uint rva);
        var info = data?.FindX86Frame(rva);
        string? recordProblem = null;
        if (info != null && TryFrameRecord(regs, info, calleeParams, out step, out recordProblem)) return true;
        if (data?.FindCfi(rva) is { } cfi && TryCfi(regs, cfi, out step, out recordProblem)) return true;
        if (TryFramePointer(regs, out step)) return true;
        if (TryScan(regs, regs["$esp"], out step)) return true;
        problem = recordProblem ?? $"{eip:x8}: no frame record, no usable frame pointer and nothing on the stack looks like a return address";
        return false;
    }

    private IUnwindDataSource? DataFor(uint eip, out uint rva)
    {
        rva = 0;
        if (env.ModuleBaseOf(eip) is not ulong b) return null;
        rva = (uint)(eip - b);
        return env.UnwindDataOf(b);
    }

    private bool TryFrameRecord(Dictionary<string, uint> regs, X86FrameInfo info, uint calleeParams, out UnwindStep step, out string? problem)
    {
        step = default;
        string? program = info.Program;
        if (string.IsNullOrWhiteSpace(program))
        {
            // FPO_DATA without a program: an EBP frame, or the return address above the locals
            // and saved registers, found as the records' programs find it (.raSearch: their sizes
            // are approximate, e.g. breakpad's "STACK WIN 0" records that count no pushes).
            program = info.AllocatesBasePointer
                ? "$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + ="
                : "$eip .raSearch ^ = $esp .raSearch 4 + =";
        }
        var vars = new Dictionary<string, uint>(regs)
        {
            [".cbCalleeParams"] = calleeParams,
            [".cbSavedRegs"] = info.SavedRegsSize,
            [".cbLocals"] = info.LocalsSize,
            [".cbParams"] = info.ParamsSize,
        };
        uint searchStart = regs["$esp"] + calleeParams + info.LocalsSize + info.SavedRegsSize;
        vars[".raSearchStart"] = searchStart;
        vars[".raSearch"] = FindReturnAddressSlot(regs["$eip"], regs["$esp"] + info.LocalsSize + info.SavedRegsSize, searchStart) ?? searchStart;
        var assigned = new HashSet<string>();
        if (!_programs.Run(program, vars, out problem, assigned))
        {
            problem = $"{regs["$eip"]:x8}: frame program failed: {problem}";
            return false;
        }
        if (!assigned.Contains("$eip") || !assigned.Contains("$esp"))
        {
            problem = $"{regs["$eip"]:x8}: frame program sets no $eip/$esp";
            return false;
        }
        var caller = Carry(regs, vars, assigned);
        step = new UnwindStep(caller, info.Kind == X86FrameKind.FrameData || info.Program != null ? FrameSource.FrameData : FrameSource.Fpo, info,
            assigned.Contains("$T0") ? vars["$T0"] : null);
        return true;
    }

    // KiUserExceptionDispatcher(EXCEPTION_RECORD*, CONTEXT*): its two arguments sit near the top
    // of its frame (Windows reads them at esp, Wine pushes copies for its own call); the context
    // holds the faulting code's registers, which no frame chain reaches (the faulting function may
    // have no frame of its own). A pair is believed only when the context's eip is the record's
    // exception address.
    private bool TryDispatcherContext(Dictionary<string, uint> regs, out UnwindStep step)
    {
        step = default;
        uint esp = regs["$esp"];
        for (uint slot = esp; slot < esp + 16; slot += 4)
        {
            if (!env.Memory.TryReadUInt32(slot, out uint record, out _) || !env.Memory.TryReadUInt32(slot + 4, out uint context, out _)) return false;
            if (!env.Memory.TryReadUInt32(record + 0xc, out uint exceptionAddress, out _)) continue;
            var raw = new byte[Targets.Contexts.ContextDecoder.MinimumSize(Targets.Model.Machine.X86)];
            if (env.Memory.Read(context, raw, out _) < raw.Length) continue;
            var decoded = Targets.Contexts.ContextDecoder.Decode(Targets.Model.Machine.X86, raw, out _);
            if (decoded == null || decoded.InstructionPointer != exceptionAddress || decoded.StackPointer <= esp) continue;
            var caller = new Dictionary<string, uint>(regs);
            foreach (string r in Registers) caller[r] = (uint)(decoded.Get(r[1..]) ?? caller[r]);
            step = new UnwindStep(caller, FrameSource.ExceptionContext, null);
            return true;
        }
        return false;
    }

    private bool TryCfi(Dictionary<string, uint> regs, CfiRules cfi, out UnwindStep step, out string? problem)
    {
        step = default;
        var vars = new Dictionary<string, uint>(regs);
        if (!cfi.Rules.TryGetValue(".cfa", out var cfaRule) || !cfi.Rules.TryGetValue(".ra", out var raRule))
        {
            problem = $"{regs["$eip"]:x8}: CFI rules lack .cfa or .ra";
            return false;
        }
        if (!_programs.Evaluate(cfaRule, vars, out uint cfa, out problem)) return false;
        vars[".cfa"] = cfa;
        if (!_programs.Evaluate(raRule, vars, out uint ra, out problem)) return false;
        var caller = new Dictionary<string, uint>(regs);
        foreach (var (name, rule) in cfi.Rules)
        {
            if (name is ".cfa" or ".ra") continue;
            if (!_programs.Evaluate(rule, vars, out uint v, out problem)) return false;
            caller[name] = v;
        }
        caller["$eip"] = ra;
        caller["$esp"] = cfa;
        step = new UnwindStep(caller, FrameSource.Cfi, null);
        return true;
    }

    private bool TryFramePointer(Dictionary<string, uint> regs, out UnwindStep step)
    {
        step = default;
        uint esp = regs["$esp"], ebp = regs["$ebp"];
        if (ebp < esp || ebp - esp > MaxFrameDistance || (ebp & 3) != 0) return false;
        if (!env.Memory.TryReadUInt32(ebp, out uint savedEbp, out _) || !env.Memory.TryReadUInt32(ebp + 4, out uint ret, out _)) return false;
        if (ret != 0 && !Plausible(ret)) return false;
        var caller = new Dictionary<string, uint>(regs) { ["$eip"] = ret, ["$esp"] = ebp + 8, ["$ebp"] = savedEbp };
        step = new UnwindStep(caller, FrameSource.FramePointer, null);
        return true;
    }

    private bool TryScan(Dictionary<string, uint> regs, uint from, out UnwindStep step)
    {
        step = default;
        if (env.LooksLikeReturnAddress == null) return false;
        for (uint slot = from; slot - from < MaxScanBytes; slot += 4)
        {
            if (!env.Memory.TryReadUInt32(slot, out uint value, out _)) return false;
            if (!Plausible(value)) continue;
            var caller = new Dictionary<string, uint>(regs) { ["$eip"] = value, ["$esp"] = slot + 4 };
            step = new UnwindStep(caller, FrameSource.Scan, null);
            return true;
        }
        return false;
    }

    // Where the return address of the function at eip lies. The records' sizes are approximate:
    // compilers that store outgoing arguments with mov count that area as locals, others push
    // them (the callee's parameters then lie below the locals). Between the two estimates and a
    // few words above, the first slot whose call targets this very function wins; failing that,
    // the first plausible return address at or above the estimate that counts the callee's
    // parameters, as breakpad does.
    private uint? FindReturnAddressSlot(uint eip, uint low, uint start)
    {
        if (env.LooksLikeReturnAddress == null) return null;
        ulong? function = env.FunctionStartOf(eip);
        uint? plausible = null;
        for (uint slot = Math.Min(low, start); slot < start + 4 * ReturnAddressSearchWords; slot += 4)
        {
            if (!env.Memory.TryReadUInt32(slot, out uint value, out _)) break;
            if (function != null && CallSite.DirectCallTarget(env.Memory, value, 32) == function) return slot;
            if (plausible == null && slot >= start && Plausible(value)) plausible = slot;
        }
        return plausible;
    }

    private bool Plausible(uint address) =>
        address != 0 && env.ModuleBaseOf(address) != null && env.LooksLikeReturnAddress?.Invoke(address) != false;

    // Registers a program did not assign keep the callee's values (they are callee-saved or unknown).
    private static Dictionary<string, uint> Carry(Dictionary<string, uint> regs, Dictionary<string, uint> vars, HashSet<string> assigned)
    {
        var caller = new Dictionary<string, uint>(regs);
        foreach (string r in Registers)
            if (assigned.Contains(r)) caller[r] = vars[r];
        return caller;
    }
}

/// <summary>The caller's registers after one x86 unwind step, how they were found and the record used.</summary>
/// <summary>One unwound x86 frame: the caller's registers, how they were found, the record used, and the frame's $T0 when its program computed one (the virtual frame locals are addressed from).</summary>
public readonly record struct UnwindStep(Dictionary<string, uint> Caller, FrameSource Source, X86FrameInfo? Info, uint? VirtualFrame = null);
