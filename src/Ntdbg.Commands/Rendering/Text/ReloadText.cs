using Ntdbg.Commands.Commands.Reload;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// WinDbg's .reload prints little: "Loading Kernel Symbols"/"Loading User Symbols" and an error
/// per module whose symbols could not be found. With /f each module's outcome is listed too,
/// since that is what a user runs it for.
/// </summary>
public sealed class ReloadText : TextRenderer<ReloadResult>
{
    protected override void Render(ReloadResult r, TextWriter o)
    {
        if (r.Unloaded)
        {
            foreach (var m in r.Modules) o.WriteLine($"Unloaded {m.Module}");
            return;
        }
        if (!r.Loaded)
        {
            o.WriteLine($"Symbols for {r.Modules.Count} module{(r.Modules.Count == 1 ? "" : "s")} deferred; they load on first use");
            return;
        }
        foreach (var m in r.Modules)
        {
            if (m.SymbolFile != null) o.WriteLine($"{m.Module,-12} ({m.Status}) {m.SymbolFile}");
            else o.WriteLine($"*** ERROR: Symbols could not be loaded for {m.Module}: {m.Error}");
        }
    }
}
