using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Errors;

namespace Ntdbg.Commands.Commands.Display;

/// <summary>db, dw, dd, dq, dc, dp and dps/dqs/dds: display memory, with "??" for missing bytes.</summary>
[Command("db", Aliases = ["dw", "dd", "dq", "dc", "dp", "dps", "dqs", "dds"],
    Summary = "Display memory (bytes, words, dwords, qwords, dwords+ASCII, pointers, pointers+symbols)",
    Usage = "d{b|w|d|q|c|p|ps|qs|ds} [Address [L[?]Count | EndAddress]]")]
public sealed class DisplayMemoryCommand : ICommand
{
    /// <summary>WinDbg shows 0x80 bytes when no length is given.</summary>
    private const ulong DefaultBytes = 0x80;

    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        string name = context.Name.ToLowerInvariant();
        (DisplayFormat format, int size) = name switch
        {
            "db" => (DisplayFormat.Bytes, 1),
            "dw" => (DisplayFormat.Words, 2),
            "dd" => (DisplayFormat.Dwords, 4),
            "dq" => (DisplayFormat.Qwords, 8),
            "dc" => (DisplayFormat.DwordsAscii, 4),
            "dp" => (DisplayFormat.Pointers, s.PointerSize),
            "dps" => (DisplayFormat.PointersSymbols, s.PointerSize),
            "dqs" => (DisplayFormat.PointersSymbols, 8),
            "dds" => (DisplayFormat.PointersSymbols, 4),
            _ => throw new CommandException($"unknown display command {name}"),
        };
        ulong defaultBytes = format == DisplayFormat.PointersSymbols ? (ulong)(16 * size) : DefaultBytes;
        var range = context.Args.ReadRange(size, defaultBytes, (ulong)Limits.MaxDisplayBytes, s.NextDisplayAddress);
        if (!context.Args.AtEnd) throw new CommandException($"Syntax error at '{context.Args.Rest}'");
        ulong length = (ulong)DisplayLimit.Check(range.Length);
        var read = HoleyRead.Read(s.Memory, range.Start, (int)length);
        s.NextDisplayAddress = range.Start + length;

        List<string?>? symbols = null;
        if (format == DisplayFormat.PointersSymbols)
        {
            symbols = [];
            for (int off = 0; off + size <= read.Data.Length; off += size)
            {
                if (!read.AllValid(off, size)) { symbols.Add(null); continue; }
                ulong v = size == 8 ? BitConverter.ToUInt64(read.Data, off) : BitConverter.ToUInt32(read.Data, off);
                symbols.Add(s.DescribeAddress(v));
            }
        }
        return new MemoryDisplayResult(format, range.Start, size, s.PointerSize, read.Data, read.Valid, symbols, read.FirstFault);
    }
}
