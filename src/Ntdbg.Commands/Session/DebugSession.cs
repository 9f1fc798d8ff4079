using Ntdbg.Commands.Language;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Loading;
using Ntdbg.Symbols.Locators;
using Ntdbg.Targets;
using Ntdbg.Targets.Image;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Session;

/// <summary>
/// The state a debugger session carries between commands: the target, the current thread and
/// register context (changed by ~Ns, .cxr and .ecxr), pseudo-registers and the last display address.
/// </summary>
public sealed class DebugSession : IExpressionScope
{
    private readonly ulong[] _userPseudo = new ulong[20];

    public DebugSession(ITarget target, string? symbolPath = null, SymbolServerOptions? symbolOptions = null)
    {
        Target = target;
        // -y replaces the environment's path, as in the debugger; without it _NT_ALT_SYMBOL_PATH and _NT_SYMBOL_PATH apply.
        Symbols = new SymbolLocatorService(symbolPath != null ? SymbolPath.Parse(symbolPath) : SymbolPath.FromEnvironment(), symbolOptions);
        CurrentThreadIndex = Math.Clamp(target.CurrentThreadIndex, 0, Math.Max(0, target.Threads.Count - 1));
        Modules = new ModuleTable(target);
        SymbolTable = new SymbolManager(Modules.All, new ModuleSymbolLoader(target, Symbols));
        _memory = new ImageOverlayMemory(ProcessMemory = new ImplicitProcessMemory(target.Memory));
        SymbolTable.ModuleLoaded += MapStoredImage;
        SymbolTable.ModuleUnloaded += m => _memory.RemoveImage(m.Module.Base);
    }

    private readonly ImageOverlayMemory _memory;

    /// <summary>The dump's memory with user addresses read through the implicit process's page tables (`.process`).</summary>
    public ImplicitProcessMemory ProcessMemory { get; }

    // Code and .pdata the dump lacks come from the image the loader found in the symbol store.
    private void MapStoredImage(ModuleSymbols module)
    {
        if (module.LastLoad?.ImagePath is not { } path) return;
        try
        {
            _memory.AddImage(module.Module.Base, module.Module.Size, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Errors.DumpFormatException)
        {
            // The loader already read this file; if it cannot be mapped now, reads just stay holes.
        }
    }

    public ITarget Target { get; }
    /// <summary>The symbol path and the locators behind it (.sympath, .symfix, !sym).</summary>
    public SymbolLocatorService Symbols { get; }
    public ModuleTable Modules { get; }
    /// <summary>Each module's symbols (deferred until used) and the name/address lookups over them.</summary>
    public SymbolManager SymbolTable { get; }

    /// <summary>Stack walking over this session's memory and symbols.</summary>
    public Analyses.Stacks.TargetStacks Stacks => _stacks ??= new(Memory, SymbolTable, PointerSize);
    private Analyses.Stacks.TargetStacks? _stacks;
    public int PointerSize => Target.PointerSize;
    /// <summary>The dump's memory, with images found in the symbol store behind its holes.</summary>
    public IVirtualMemory Memory => _memory;
    public bool IsKernel => Target.Kind == TargetKind.KernelDump;
    /// <summary>The current thread; switching it goes back to its frame 0.</summary>
    public int CurrentThreadIndex
    {
        get => _currentThreadIndex;
        set
        {
            _currentThreadIndex = value;
            SelectedFrame = 0;
        }
    }

    private int _currentThreadIndex;

    /// <summary>Set by .cxr/.ecxr/.trap/.frame /c; null means the current thread's own context. Changing it goes back to frame 0.</summary>
    public RegisterContext? ContextOverride
    {
        get => _contextOverride;
        set
        {
            _contextOverride = value;
            SelectedFrame = 0;
        }
    }

    private RegisterContext? _contextOverride;

    /// <summary>Kernel: the thread `.thread` made implicit (null: the one running on the crashing processor).</summary>
    public ulong? ImplicitThread { get; set; }

    /// <summary>Kernel: the process `.thread /p` made implicit (null: the current thread's).</summary>
    public ulong? ImplicitProcess { get; set; }

    /// <summary>The frame `.frame N` selected in the current context's stack (0 until one is).</summary>
    public int SelectedFrame { get; set; }

    /// <summary>Where the next `u` without an address continues.</summary>
    public ulong? NextDisassemblyAddress { get; set; }

    /// <summary>Where the next display command without an address continues.</summary>
    public ulong NextDisplayAddress { get; set; }

    /// <summary>Hours east of UTC used by .time -h; null means the dump's own zone.</summary>
    public int? TimeZoneOverrideHours { get; set; }

    /// <summary>Symbol resolvers added by the symbols layer (tried after module names).</summary>
    public List<ISymbolResolver> SymbolResolvers { get; } = [];

    /// <summary>True while !for_each_module runs its command (it refuses to nest).</summary>
    public bool InForEachModule { get; set; }

    /// <summary>Set by `q`.</summary>
    public bool QuitRequested { get; set; }

    public ThreadInfo? CurrentThread =>
        CurrentThreadIndex >= 0 && CurrentThreadIndex < Target.Threads.Count ? Target.Threads[CurrentThreadIndex] : null;

    public RegisterContext? CurrentContext => ContextOverride ?? CurrentThread?.Context;

    /// <summary>The processor `~Ns` selected in a kernel dump; null means the bugcheck processor.</summary>
    public uint? SelectedProcessor { get; set; }

    public string Prompt
    {
        get
        {
            if (IsKernel) return $"{SelectedProcessor ?? (Target as IKernelTarget)?.CurrentProcessor ?? 0}: kd> ";
            if (Target.Kind == TargetKind.Image) return "0:000> ";
            return $"0:{CurrentThreadIndex:d3}> ";
        }
    }

    public ExpressionEvaluator CreateEvaluator() => new(this);

    public bool TryGetRegister(string name, out ulong value)
    {
        value = 0;
        return CurrentContext?.TryGet(name, out value) == true;
    }

    public bool TryGetPseudoRegister(string name, out ulong value)
    {
        value = 0;
        string n = name.ToLowerInvariant();
        if (n.Length >= 2 && n[0] == 't' && int.TryParse(n[1..], out int ti) && ti >= 0 && ti < _userPseudo.Length)
        {
            value = _userPseudo[ti];
            return true;
        }
        var ctx = CurrentContext;
        var thread = CurrentThread;
        switch (n)
        {
            case "ip": if (ctx == null) return false; value = ctx.InstructionPointer; return true;
            case "csp": if (ctx == null) return false; value = ctx.StackPointer; return true;
            case "retreg": return ctx?.TryGet(Target.Machine == Machine.X86 ? "eax" : Target.Machine == Machine.X64 ? "rax" : "x0", out value) == true;
            case "ptrsize": value = (ulong)PointerSize; return true;
            case "pagesize": value = 0x1000; return true;
            case "tid": if (thread == null) return false; value = thread.ThreadId; return true;
            case "tpid": if (Target is not IUserTarget u) return false; value = u.ProcessId; return true;
            case "teb": if (thread == null || IsKernel) return false; value = thread.Teb; return true;
            case "peb": return TryGetPeb(out value);
            case "thread": if (thread == null || thread.ThreadObject == 0) return false; value = thread.ThreadObject; return true;
            case "proc": if (thread == null || thread.ProcessObject == 0) return false; value = thread.ProcessObject; return true;
            case "exentry": return false;
            case "bug_code": if (Target is not IKernelTarget k) return false; value = k.Bugcheck.Code; return true;
            default: return false;
        }
    }

    public void SetPseudoRegister(string name, ulong value)
    {
        string n = name.TrimStart('@', '$').ToLowerInvariant();
        if (n.Length >= 2 && n[0] == 't' && int.TryParse(n[1..], out int ti) && ti >= 0 && ti < _userPseudo.Length)
            _userPseudo[ti] = value;
        else
            throw new ExpressionException($"Bad register error: ${n} cannot be set");
    }

    private bool TryGetPeb(out ulong value)
    {
        value = 0;
        var thread = CurrentThread;
        if (thread == null || IsKernel || thread.Teb == 0) return false;
        // TEB.ProcessEnvironmentBlock: +0x60 on 64-bit, +0x30 on 32-bit.
        ulong at = thread.Teb + (PointerSize == 8 ? 0x60UL : 0x30UL);
        return Memory.TryReadPointer(at, PointerSize, out value, out _);
    }

    public bool TryResolveSymbol(string name, out ulong value)
    {
        int bang = name.IndexOf('!');
        if (bang < 0 && Modules.TryFind(name, out var m))
        {
            value = m.Base;
            return true;
        }
        if (bang < 0 ? TryResolveBareName(name, out value) : SymbolTable.TryResolve(name, out value)) return true;
        foreach (var r in SymbolResolvers)
            if (r.TryResolve(name, out value)) return true;
        value = 0;
        return false;
    }

    /// <summary>
    /// A name without "module!": the modules whose symbols are loaded are searched first, and a name
    /// they define at two different addresses is refused as ambiguous (WinDbg's "Ambiguous symbol
    /// error"); only when none defines it are deferred modules loaded, in load order, until one does —
    /// so a name the loaded modules define does not load every other module's symbols. A register
    /// name ("rsp" without '@') that no loaded module defines is left to the register without
    /// loading anything: WinDbg would search every module first, which is slow with a symbol server.
    /// </summary>
    private bool TryResolveBareName(string name, out ulong value)
    {
        value = 0;
        ulong? found = null;
        foreach (var module in SymbolTable.Modules)
        {
            if (module.Status != SymbolStatus.Loaded || module.Source == null) continue;
            var hits = module.Source.FindByName(name);
            if (hits.Count == 0) continue;
            ulong address = module.Module.Base + hits[0].Rva;
            if (found is { } other && other != address)
                throw new ExpressionException($"Ambiguous symbol error at '{name}'");
            found = address;
        }
        if (found is { } unique)
        {
            value = unique;
            return true;
        }
        if (CurrentContext?.TryGet(name, out _) == true) return false;
        return SymbolTable.TryResolve(name, out value);
    }

    /// <summary>"nt!KeBugCheckEx+0x10" (loading the module's symbols if deferred), "amdppm+0x1234" without symbols, null outside modules.</summary>
    public string? DescribeAddress(ulong address) => SymbolTable.FormatAddress(address);

    public ulong ReadMemory(ulong address, int size)
    {
        Span<byte> b = stackalloc byte[8];
        int n = Memory.Read(address, b[..size], out var fault);
        if (n < size) throw new ExpressionException($"Memory access error at '{Hex.Pointer(address, PointerSize)}': {fault?.Detail ?? "unreadable"}");
        return size switch
        {
            1 => b[0],
            2 => BitConverter.ToUInt16(b),
            4 => BitConverter.ToUInt32(b),
            _ => BitConverter.ToUInt64(b),
        };
    }
}
