using Ntdbg.Commands.Commands.Processes;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// `.process` as WinDbg prints it: "Implicit process is now ffffc08b`00009040", then
/// ".cache forcedecodeuser done" for /p and "Loading User Symbols" with the PEB's modules for /r.
/// </summary>
public sealed class ImplicitProcessText : TextRenderer<ImplicitProcessResult>
{
    protected override void Render(ImplicitProcessResult r, TextWriter o)
    {
        if (r.Process != 0) o.WriteLine($"Implicit process is now {Hex.Pointer(r.Process, r.PointerSize)}");
        if (r.DecodeUser) o.WriteLine(".cache forcedecodeuser done");
        if (r.ReloadUser)
        {
            o.WriteLine("Loading User Symbols");
            foreach (var m in r.UserModules)
                o.WriteLine($"{Hex.Pointer(m.Base, r.PointerSize)} {Hex.Pointer(m.Base + m.Size, r.PointerSize)}   {m.Name}");
        }
        foreach (var n in r.Notes) o.WriteLine(n);
    }
}

/// <summary>
/// `!session`: "Sessions on machine: N", "Valid Sessions: 0 1", "Current Session 1"; with -s,
/// "Implicit process is now …" and "Using session N".
/// </summary>
public sealed class SessionText : TextRenderer<SessionResult>
{
    protected override void Render(SessionResult r, TextWriter o)
    {
        o.WriteLine($"Sessions on machine: {r.Sessions.Count}");
        if (r.Switched is { } id)
        {
            o.WriteLine($"Implicit process is now {Hex.Pointer(r.ImplicitProcess, r.PointerSize)}");
            o.WriteLine($"Using session {id}");
        }
        else
        {
            o.WriteLine($"Valid Sessions: {string.Join(" ", r.Sessions.Select(x => x.SessionId))}");
            o.WriteLine($"Current Session {(r.Current is uint c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}");
        }
        foreach (var n in r.Notes) o.WriteLine(n);
    }
}
