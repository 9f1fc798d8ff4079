using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>
/// `!thread`: WinDbg's kernel layout ("THREAD addr  Cid pid.tid  Teb: addr", then the stack
/// bounds) for the bugcheck thread; for user threads the same shape over the TEB's fields.
/// Unknown values print as '?'.
/// </summary>
public sealed class ThreadDetailsText : TextRenderer<ThreadDetailsResult>
{
    protected override void Render(ThreadDetailsResult r, TextWriter o)
    {
        string P(ulong? v) => v is ulong x ? Hex.Pointer(x, r.PointerSize) : new string('?', r.PointerSize * 2);
        string Cid(ulong? p, ulong? t) => p is ulong pp && t is ulong tt ? $"{pp:x4}.{tt:x4}" : "????.????";
        string name = r.Name != null ? $"  \"{r.Name}\"" : "";
        if (r.IsKernel)
        {
            o.WriteLine($"THREAD {r.ThreadObject:x}  Cid {Cid(r.ClientProcess, r.ClientThread)}  Teb: {P(r.Teb)}{name}");
            o.WriteLine($"    Owning Process            {P(r.ProcessObject)}");
            o.WriteLine($"    Base {P(r.StackBase)} Limit {P(r.StackLimit)} Initial {P(r.InitialStack)}");
        }
        else
        {
            o.WriteLine($"THREAD {r.Index}  Id: {r.ProcessId:x}.{r.ThreadId:x}  Teb: {P(r.Teb)}{name}");
            o.WriteLine($"    Client Id (TEB)           {Cid(r.ClientProcess, r.ClientThread)}");
            o.WriteLine($"    Base {P(r.StackBase)} Limit {P(r.StackLimit)}");
            if (r.DumpStackSize > 0)
                o.WriteLine($"    Stack in dump             {P(r.DumpStackStart)} - {P(r.DumpStackStart + r.DumpStackSize)}");
            o.WriteLine($"    LastErrorValue            {(r.LastErrorValue is uint e ? $"0n{e} (0x{e:x})" : "?")}");
        }
        foreach (var n in r.Notes) o.WriteLine($"    {n}");
        o.WriteLine();
        if (r.Stack != null) TextRendering.Default.Render(r.Stack, o);
    }
}
