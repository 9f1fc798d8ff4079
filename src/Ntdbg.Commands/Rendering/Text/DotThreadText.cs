using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>`.thread`: "Implicit thread is now ffffe001`2b6c7080" (and the process line with /p), as WinDbg prints them.</summary>
public sealed class DotThreadText : TextRenderer<DotThreadResult>
{
    protected override void Render(DotThreadResult r, TextWriter o)
    {
        o.WriteLine($"Implicit thread is now {Hex.Pointer(r.Thread, r.PointerSize)}");
        if (r.Process is ulong p) o.WriteLine($"Implicit process is now {Hex.Pointer(p, r.PointerSize)}");
        if (r.UserSymbolsNotReloaded) o.WriteLine("(/r: user symbols are not reloaded for the process)");
    }
}
