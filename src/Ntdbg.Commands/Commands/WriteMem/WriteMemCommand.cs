using Ntdbg.Commands.Engine;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.WriteMem;

public sealed record WriteMemResult(string File, ulong Address, ulong Requested, ulong Written, MemoryFault? Fault, int PointerSize);

/// <summary>.writemem File Range: write target memory to a file; stops at the first missing page and says where.</summary>
[Command(".writemem", Summary = "Write a memory range to a file", Usage = ".writemem FileName Range")]
public sealed class WriteMemCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var args = context.Args;
        string file = args.Peek == '"' ? args.ReadQuoted() : args.ReadWord();
        if (file.Length == 0) throw new CommandException(".writemem: a file name is required");
        var range = args.ReadRange(1, 0, 0x10000000);
        if (range.Length == 0) throw new CommandException(".writemem: a range is required (Start End or Start L Length)");
        var mem = context.Session.Memory;
        ulong written = 0;
        MemoryFault? fault = null;
        var buf = new byte[0x10000];
        using (var fs = new FileStream(file, FileMode.Create, FileAccess.Write))
        {
            while (written < range.Length)
            {
                int want = (int)Math.Min((ulong)buf.Length, range.Length - written);
                int n = mem.Read(range.Start + written, buf.AsSpan(0, want), out var f);
                fs.Write(buf, 0, n);
                written += (ulong)n;
                if (n < want) { fault = f; break; }
            }
        }
        return new WriteMemResult(file, range.Start, range.Length, written, fault, context.Session.PointerSize);
    }
}

public sealed class WriteMemText : Rendering.Text.TextRenderer<WriteMemResult>
{
    protected override void Render(WriteMemResult r, TextWriter o)
    {
        o.WriteLine($"Writing {r.Requested:x} bytes{new string('.', (int)Math.Min(r.Written / 0x1000, 80))}");
        if (r.Fault != null)
            o.WriteLine($"Unable to read memory at {Hex.Pointer(r.Fault.Address, r.PointerSize)}, file is {r.Written:x} bytes ({r.Fault.Detail})");
    }
}
