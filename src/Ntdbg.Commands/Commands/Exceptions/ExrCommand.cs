using Ntdbg.Analyses.Analyze;
using Ntdbg.Commands.Engine;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Exceptions;

/// <summary>.exr -1 shows the dump's exception; .exr Address decodes an EXCEPTION_RECORD in memory.</summary>
[Command(".exr", Summary = "Display an exception record (-1: the dump's own)", Usage = ".exr -1 | .exr Address")]
public sealed class ExrCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        string a = context.Arguments.Trim();
        if (a == "-1" || a.Length == 0)
        {
            var ex = s.Target.Exception ?? throw new CommandException("no exception record in this dump (.exr -1)");
            return new ExceptionRecordResult(s.PointerSize, ex.Address, DescribeAddress(s, ex.Address), ex.Code,
                ExceptionCodes.Name(ex.Code), ex.Flags, ex.Parameters, ExceptionCodes.Explain(ex.Code, ex.Parameters, s.PointerSize), ex.Record);
        }
        ulong at = context.Args.ReadExpression();
        return FromMemory(s, at);
    }

    /// <summary>
    /// .exr names the address with the symbol's displacement at full pointer width, as WinDbg does:
    /// "crash_x64!crash_stage_four_write+0x000000000000001a".
    /// </summary>
    public static string? DescribeAddress(Session.DebugSession s, ulong address)
    {
        var hit = s.SymbolTable.LookupAddress(address);
        if (hit == null) return null;
        // Without a symbol it is "module+0x1234", unpadded (the module-offset form every command uses).
        if (hit.Symbol == null || hit.Displacement == 0) return hit.Display;
        return $"{hit.Module.Name}!{hit.Symbol.Name}+0x{hit.Displacement.ToString(s.PointerSize == 4 ? "x8" : "x16")}";
    }

    /// <summary>EXCEPTION_RECORD64/32: code, flags, record, address, NumberParameters, then up to 15 parameters.</summary>
    private static ExceptionRecordResult FromMemory(Session.DebugSession s, ulong at)
    {
        int ps = s.PointerSize;
        int paramOffset = ps == 8 ? 0x20 : 0x14;
        int size = paramOffset + 15 * ps;
        var buf = new byte[size];
        s.Memory.ReadExact(at, buf);
        uint code = BitConverter.ToUInt32(buf, 0);
        uint flags = BitConverter.ToUInt32(buf, 4);
        ulong record = ps == 8 ? BitConverter.ToUInt64(buf, 8) : BitConverter.ToUInt32(buf, 8);
        ulong address = ps == 8 ? BitConverter.ToUInt64(buf, 0x10) : BitConverter.ToUInt32(buf, 0xc);
        uint count = BitConverter.ToUInt32(buf, ps == 8 ? 0x18 : 0x10);
        if (count > 15) throw new CommandException($"{Hex.Pointer(at, ps)} does not hold an exception record: NumberParameters is {count} (at most 15)");
        var p = new List<ulong>();
        for (int i = 0; i < count; i++)
            p.Add(ps == 8 ? BitConverter.ToUInt64(buf, paramOffset + i * 8) : BitConverter.ToUInt32(buf, paramOffset + i * 4));
        return new ExceptionRecordResult(ps, address, DescribeAddress(s, address), code, ExceptionCodes.Name(code), flags, p,
            ExceptionCodes.Explain(code, p, ps), record);
    }
}
