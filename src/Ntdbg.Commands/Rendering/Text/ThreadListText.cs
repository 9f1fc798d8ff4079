using Ntdbg.Commands.Commands.Threads;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class ThreadListText : TextRenderer<ThreadListResult>
{
    protected override void Render(ThreadListResult r, TextWriter o)
    {
        foreach (var t in r.Threads)
        {
            char mark = t.IsCurrent ? '.' : t.IsExceptionThread ? '#' : ' ';
            if (r.IsKernel)
            {
                o.WriteLine($"{mark}{t.Index,3}  Thread: {Hex.Pointer(t.ThreadObject, r.PointerSize)}  Process: {Hex.Pointer(t.ProcessObject, r.PointerSize)}  Cid: {t.ThreadId:x4}");
                continue;
            }
            string name = t.Name != null ? $" \"{t.Name}\"" : "";
            o.WriteLine($"{mark}{t.Index,3}  Id: {t.ProcessId:x}.{t.ThreadId:x} Suspend: {t.SuspendCount} Teb: {Hex.Pointer(t.Teb, r.PointerSize)} Unfrozen{name}");
        }
    }
}
