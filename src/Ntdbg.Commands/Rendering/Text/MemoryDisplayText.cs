using Ntdbg.Commands.Commands.Display;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class MemoryDisplayText : TextRenderer<MemoryDisplayResult>
{
    protected override void Render(MemoryDisplayResult r, TextWriter output)
    {
        int size = r.ElementSize;
        if (r.Format == DisplayFormat.PointersSymbols)
        {
            for (int i = 0, off = 0; off + size <= r.Data.Length; i++, off += size)
            {
                string value = MemoryLineFormatter.FormatValue(r.Data.AsSpan(off, size), size, !r.Valid.AsSpan(off, size).Contains(false));
                string? sym = r.Symbols != null && i < r.Symbols.Count ? r.Symbols[i] : null;
                string line = $"{Hex.Pointer(r.Address + (ulong)off, r.PointerSize)}  {value}";
                output.WriteLine(sym != null ? $"{line} {sym}" : line);
            }
        }
        else
        {
            for (int off = 0; off < r.Data.Length; off += 16)
            {
                int n = Math.Min(16, r.Data.Length - off);
                ulong at = r.Address + (ulong)off;
                var data = r.Data.AsSpan(off, n);
                var valid = r.Valid.AsSpan(off, n);
                output.WriteLine(r.Format == DisplayFormat.Bytes
                    ? MemoryLineFormatter.BytesLine(at, r.PointerSize, data, valid)
                    : MemoryLineFormatter.ValuesLine(at, r.PointerSize, size, data, valid, r.Format == DisplayFormat.DwordsAscii));
            }
        }
        MemoryLineFormatter.WriteFault(r.Fault, output);
    }
}

public sealed class StringDisplayText : TextRenderer<StringDisplayResult>
{
    protected override void Render(StringDisplayResult r, TextWriter output)
    {
        foreach (var line in r.Lines)
            output.WriteLine($"{Hex.Pointer(line.Address, r.PointerSize)}  \"{line.Text}{(line.Complete ? "\"" : "")}");
        MemoryLineFormatter.WriteFault(r.Fault, output);
    }
}
