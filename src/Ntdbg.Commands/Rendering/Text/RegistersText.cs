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
        ulong Get(string n) => map.TryGetValue(n, out var v) ? v : 0;
        switch (r.Machine)
        {
            case Machine.X64:
                o.WriteLine($"rax={Get("rax"):x16} rbx={Get("rbx"):x16} rcx={Get("rcx"):x16}");
                o.WriteLine($"rdx={Get("rdx"):x16} rsi={Get("rsi"):x16} rdi={Get("rdi"):x16}");
                o.WriteLine($"rip={Get("rip"):x16} rsp={Get("rsp"):x16} rbp={Get("rbp"):x16}");
                o.WriteLine($" r8={Get("r8"):x16}  r9={Get("r9"):x16} r10={Get("r10"):x16}");
                o.WriteLine($"r11={Get("r11"):x16} r12={Get("r12"):x16} r13={Get("r13"):x16}");
                o.WriteLine($"r14={Get("r14"):x16} r15={Get("r15"):x16}");
                o.WriteLine($"iopl={(Get("efl") >> 12) & 3,-9} {Flags(Get("efl"))}");
                o.WriteLine($"cs={Get("cs"):x4}  ss={Get("ss"):x4}  ds={Get("ds"):x4}  es={Get("es"):x4}  fs={Get("fs"):x4}  gs={Get("gs"):x4}             efl={Get("efl"):x8}");
                break;
            case Machine.X86:
                o.WriteLine($"eax={Get("eax"):x8} ebx={Get("ebx"):x8} ecx={Get("ecx"):x8} edx={Get("edx"):x8} esi={Get("esi"):x8} edi={Get("edi"):x8}");
                o.WriteLine($"eip={Get("eip"):x8} esp={Get("esp"):x8} ebp={Get("ebp"):x8} iopl={(Get("efl") >> 12) & 3,-9} {Flags(Get("efl"))}");
                o.WriteLine($"cs={Get("cs"):x4}  ss={Get("ss"):x4}  ds={Get("ds"):x4}  es={Get("es"):x4}  fs={Get("fs"):x4}  gs={Get("gs"):x4}             efl={Get("efl"):x8}");
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
