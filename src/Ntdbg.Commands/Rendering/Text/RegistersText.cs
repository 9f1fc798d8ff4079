using System.Text;
using Ntdbg.Commands.Commands.Registers;
using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class RegistersText : TextRenderer<RegistersResult>
{
    protected override void Render(RegistersResult r, TextWriter o)
    {
        if (r.Note != null) o.WriteLine(r.Note);
        if (!r.All)
        {
            foreach (var reg in r.Registers) o.WriteLine($"{reg.Name}={Value(reg)}");
            return;
        }
        var map = r.Registers.GroupBy(x => x.Name, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.OrdinalIgnoreCase);
        // A register the context lacks is unknown (a frame's unwind or a trap frame did not restore it): '?' digits, never a made-up 0.
        string G(string n, int digits) => map.TryGetValue(n, out var v) ? v.ToString("x" + digits) : new string('?', digits);
        string efl = G("efl", 8);
        string iopl = map.TryGetValue("efl", out var flags) ? $"{(flags >> 12) & 3,-9} {Flags(flags)}" : "?         ?? ?? ?? ?? ?? ?? ?? ??";
        switch (r.Machine)
        {
            case Machine.X64:
                o.WriteLine($"rax={G("rax", 16)} rbx={G("rbx", 16)} rcx={G("rcx", 16)}");
                o.WriteLine($"rdx={G("rdx", 16)} rsi={G("rsi", 16)} rdi={G("rdi", 16)}");
                o.WriteLine($"rip={G("rip", 16)} rsp={G("rsp", 16)} rbp={G("rbp", 16)}");
                o.WriteLine($" r8={G("r8", 16)}  r9={G("r9", 16)} r10={G("r10", 16)}");
                o.WriteLine($"r11={G("r11", 16)} r12={G("r12", 16)} r13={G("r13", 16)}");
                o.WriteLine($"r14={G("r14", 16)} r15={G("r15", 16)}");
                o.WriteLine($"iopl={iopl}");
                o.WriteLine($"cs={G("cs", 4)}  ss={G("ss", 4)}  ds={G("ds", 4)}  es={G("es", 4)}  fs={G("fs", 4)}  gs={G("gs", 4)}             efl={efl}");
                break;
            case Machine.X86:
                o.WriteLine($"eax={G("eax", 8)} ebx={G("ebx", 8)} ecx={G("ecx", 8)} edx={G("edx", 8)} esi={G("esi", 8)} edi={G("edi", 8)}");
                o.WriteLine($"eip={G("eip", 8)} esp={G("esp", 8)} ebp={G("ebp", 8)} iopl={iopl}");
                o.WriteLine($"cs={G("cs", 4)}  ss={G("ss", 4)}  ds={G("ds", 4)}  es={G("es", 4)}  fs={G("fs", 4)}  gs={G("gs", 4)}             efl={efl}");
                break;
            default:
                // ARM64 and others: WinDbg prints three registers a line.
                var sb = new StringBuilder();
                int col = 0;
                foreach (var reg in r.Registers)
                {
                    sb.Append($"{reg.Name,4}={Value(reg)} ");
                    if (++col % 3 == 0) { o.WriteLine(sb.ToString().TrimEnd()); sb.Clear(); }
                }
                if (sb.Length > 0) o.WriteLine(sb.ToString().TrimEnd());
                break;
        }
        if (r.Location != null) o.WriteLine($"{r.Location}:");
        if (r.Instruction != null) o.WriteLine(r.Instruction);
    }

    private static string Value(Register reg) => reg.Bits switch
    {
        <= 16 => reg.Value.ToString("x4"),
        <= 32 => reg.Value.ToString("x8"),
        _ => reg.Value.ToString("x16"),
    };

    /// <summary>The flag mnemonics WinDbg prints: of df if sf zf af pf cf.</summary>
    public static string Flags(ulong efl) => string.Join(' ',
        (efl & 0x800) != 0 ? "ov" : "nv",
        (efl & 0x400) != 0 ? "dn" : "up",
        (efl & 0x200) != 0 ? "ei" : "di",
        (efl & 0x80) != 0 ? "ng" : "pl",
        (efl & 0x40) != 0 ? "zr" : "nz",
        (efl & 0x10) != 0 ? "ac" : "na",
        (efl & 0x4) != 0 ? "pe" : "po",
        (efl & 0x1) != 0 ? "cy" : "nc");
}
