using System.Globalization;
using Ntdbg.Commands.Commands.Stacks;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// `!stacks` as WinDbg prints it: "Proc.Thread  .Thread  Ticks   ThreadState Blocker", a
/// "[eprocess image]" line per process, then per kept thread "pid.tid  ethread ticks state
/// frame" with the further frames (detail 1 and 2) aligned under the first.
/// </summary>
public sealed class KernelStacksText : TextRenderer<KernelStacksResult>
{
    protected override void Render(KernelStacksResult r, TextWriter o)
    {
        int digits = r.PointerSize * 2;
        string Hex(ulong v) => v.ToString("x" + digits, CultureInfo.InvariantCulture);
        o.WriteLine("Proc.Thread  .Thread  Ticks   ThreadState Blocker");
        string under = new(' ', 13 + digits + 1 + 8 + 1 + 11);
        foreach (var p in r.Processes)
        {
            o.WriteLine($"                            [{Hex(p.Address)} {p.Image ?? "?"}]");
            foreach (var t in p.Threads)
            {
                string cid = $"{(t.ProcessId is ulong pid ? pid.ToString("x", CultureInfo.InvariantCulture) : "?"),4}.{(t.ThreadId is ulong tid ? tid.ToString("x6", CultureInfo.InvariantCulture) : "??????")}";
                string ticks = t.Ticks is ulong k ? k.ToString("x8", CultureInfo.InvariantCulture) : "????????";
                string first = t.Frames.Count > 0 ? t.Frames[0] : $"? ({t.NoStack ?? "no stack"})";
                o.WriteLine($"{cid}  {Hex(t.Address)} {ticks} {t.State,-10} {first}");
                if (r.Detail > 0)
                    foreach (string f in t.Frames.Skip(1)) o.WriteLine(under + f);
            }
        }
        o.WriteLine();
        o.WriteLine($"Threads Processed: {r.ThreadsProcessed}");
        foreach (var n in r.Notes) o.WriteLine(n);
    }
}
