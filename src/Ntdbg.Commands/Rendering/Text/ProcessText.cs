using Ntdbg.Commands.Commands.Processes;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// `!process` in WinDbg's layout: "PROCESS addr", then SessionId/Cid/Peb/ParentCid,
/// DirBase/ObjectTable/HandleCount and Image lines. Unknown values print as '?'.
/// </summary>
public sealed class ProcessText : TextRenderer<ProcessResult>
{
    protected override void Render(ProcessResult r, TextWriter o)
    {
        int digits = r.PointerSize * 2;
        static string Or(ulong? v, Func<ulong, string> f) => v is ulong x ? f(x) : "?";
        string session = r.Session switch
        {
            null => "?",
            0 => "none",
            _ => Or(r.SessionId, x => x.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        o.WriteLine($"PROCESS {r.Address.ToString("x" + digits, System.Globalization.CultureInfo.InvariantCulture)}");
        o.WriteLine($"    SessionId: {session}  Cid: {Or(r.UniqueProcessId, x => $"{x:x4}")}    Peb: {Or(r.Peb, x => $"{x:x8}")}  ParentCid: {Or(r.ParentId, x => $"{x:x4}")}");
        o.WriteLine($"    DirBase: {Or(r.DirectoryTableBase, x => $"{x:x8}")}  ObjectTable: {Or(r.ObjectTable, x => x.ToString("x" + digits, System.Globalization.CultureInfo.InvariantCulture))}  HandleCount: {Or(r.HandleCount, x => $"{x}.")}");
        o.WriteLine($"    Image: {r.ImageFileName ?? "?"}");
        foreach (var n in r.Notes) o.WriteLine($"    {n}");
        o.WriteLine();
        foreach (var t in r.Threads ?? []) TextRendering.Default.Render(t, o);
    }
}
