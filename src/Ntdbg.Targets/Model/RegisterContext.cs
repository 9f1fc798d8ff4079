namespace Ntdbg.Targets.Model;

/// <summary>One register: its debugger name, value and width in bits.</summary>
public readonly record struct Register(string Name, ulong Value, int Bits);

/// <summary>
/// A thread's register state as read from a dump. Registers keep the order the debugger lists
/// them in; names are lower case as WinDbg writes them (rax, r8, efl, cs...).
/// </summary>
public sealed class RegisterContext
{
    private readonly Dictionary<string, int> _index = new(StringComparer.OrdinalIgnoreCase);

    public RegisterContext(Machine machine, IEnumerable<Register> registers)
    {
        Machine = machine;
        Registers = registers.ToArray();
        for (int i = 0; i < Registers.Count; i++) _index.TryAdd(Registers[i].Name, i);
    }

    public Machine Machine { get; }
    public IReadOnlyList<Register> Registers { get; }

    public bool TryGet(string name, out ulong value)
    {
        if (_index.TryGetValue(name, out int i)) { value = Registers[i].Value; return true; }
        // Sub-registers WinDbg accepts in expressions: eax/ax/al on x64, etc.
        if (Machine == Machine.X64 && SubRegister.TryResolve(name, this, out value)) return true;
        value = 0;
        return false;
    }

    public ulong? Get(string name) => TryGet(name, out var v) ? v : null;

    public string InstructionPointerName => Machine switch { Machine.X86 => "eip", Machine.X64 => "rip", _ => "pc" };
    public string StackPointerName => Machine switch { Machine.X86 => "esp", Machine.X64 => "rsp", _ => "sp" };
    public string FramePointerName => Machine switch { Machine.X86 => "ebp", Machine.X64 => "rbp", _ => "fp" };

    /// <summary>A copy with some registers replaced (k = ..., .frame /c); names not in this context are ignored.</summary>
    public RegisterContext With(IReadOnlyDictionary<string, ulong> values) =>
        new(Machine, Registers.Select(r => values.TryGetValue(r.Name, out ulong v) ? r with { Value = v } : r));

    public ulong InstructionPointer => Get(InstructionPointerName) ?? 0;
    public ulong StackPointer => Get(StackPointerName) ?? 0;
    public ulong FramePointer => Get(FramePointerName) ?? 0;
}

/// <summary>The 32/16/8-bit views of x64 general registers (eax, ax, al, r8d...).</summary>
internal static class SubRegister
{
    private static readonly string[] Legacy = ["ax", "bx", "cx", "dx", "si", "di", "bp", "sp"];

    public static bool TryResolve(string name, RegisterContext ctx, out ulong value)
    {
        value = 0;
        string n = name.ToLowerInvariant();
        foreach (var l in Legacy)
        {
            if (n == "e" + l && ctx.TryGet("r" + l, out var v)) { value = v & 0xffffffff; return true; }
            if (n == l && ctx.TryGet("r" + l, out v)) { value = v & 0xffff; return true; }
        }
        if (n.Length == 2 && n[1] == 'l' && "abcd".Contains(n[0]) && ctx.TryGet("r" + n[0] + "x", out var lo)) { value = lo & 0xff; return true; }
        if (n.Length == 2 && n[1] == 'h' && "abcd".Contains(n[0]) && ctx.TryGet("r" + n[0] + "x", out var hi)) { value = (hi >> 8) & 0xff; return true; }
        if (n.StartsWith('r') && n.Length >= 3)
        {
            char suffix = n[^1];
            int bits = suffix switch { 'd' => 32, 'w' => 16, 'b' => 8, _ => 0 };
            if (bits > 0 && ctx.TryGet(n[..^1], out var r)) { value = r & (bits == 32 ? 0xffffffffUL : (1UL << bits) - 1); return true; }
        }
        return false;
    }
}
