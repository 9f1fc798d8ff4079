using System.Text;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>WinDbg's memory-line layouts, shared by the display commands and `s`.</summary>
public static class MemoryLineFormatter
{
    /// <summary>"addr  4c 65 61 6b 3b c1 0f 42-c1 41 8d 49 fd 8b d0 ff  Leak;..B.A.I...."</summary>
    public static string BytesLine(ulong address, int pointerSize, ReadOnlySpan<byte> data, ReadOnlySpan<bool> valid)
    {
        var sb = new StringBuilder(80);
        sb.Append(Hex.Pointer(address, pointerSize)).Append("  ");
        for (int i = 0; i < 16; i++)
        {
            if (i < data.Length) sb.Append(valid[i] ? data[i].ToString("x2") : "??");
            else sb.Append("  ");
            sb.Append(i == 7 && i + 1 < data.Length ? '-' : ' ');
        }
        sb.Append(' ');
        for (int i = 0; i < data.Length && i < 16; i++) sb.Append(valid[i] ? Printable(data[i]) : '?');
        return sb.ToString().TrimEnd();
    }

    /// <summary>dw/dd/dq/dp lines; dc adds the ASCII column.</summary>
    public static string ValuesLine(ulong address, int pointerSize, int elementSize, ReadOnlySpan<byte> data, ReadOnlySpan<bool> valid, bool ascii)
    {
        var sb = new StringBuilder(80);
        sb.Append(Hex.Pointer(address, pointerSize)).Append(' ');
        int count = data.Length / elementSize;
        int perLine = 16 / elementSize;
        for (int e = 0; e < perLine; e++)
        {
            sb.Append(' ');
            if (e >= count) { sb.Append(' ', elementSize == 8 ? 17 : elementSize * 2); continue; }
            var slice = data.Slice(e * elementSize, elementSize);
            sb.Append(FormatValue(slice, elementSize, !valid.Slice(e * elementSize, elementSize).Contains(false)));
        }
        if (ascii)
        {
            sb.Append("  ");
            for (int i = 0; i < count * elementSize; i++) sb.Append(valid[i] ? Printable(data[i]) : '?');
        }
        return sb.ToString().TrimEnd();
    }

    public static string FormatValue(ReadOnlySpan<byte> slice, int size, bool ok) => size switch
    {
        1 => ok ? slice[0].ToString("x2") : "??",
        2 => ok ? BitConverter.ToUInt16(slice).ToString("x4") : "????",
        4 => ok ? BitConverter.ToUInt32(slice).ToString("x8") : "????????",
        _ => ok ? Hex.Address(BitConverter.ToUInt64(slice)) : "????????`????????",
    };

    public static char Printable(byte b) => b >= 0x20 && b < 0x7f ? (char)b : '.';

    public static void WriteFault(MemoryFault? fault, TextWriter output)
    {
        if (fault != null) output.WriteLine($"Memory unavailable: {fault}");
    }
}
