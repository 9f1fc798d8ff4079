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

    /// <summary>The EXCEPTION_RECORD at an address (<see cref="KernelRecords.DecodeExceptionRecord"/>), all of it readable and with at most 15 parameters.</summary>
    private static ExceptionRecordResult FromMemory(Session.DebugSession s, ulong at)
    {
        int ps = s.PointerSize;
        var buf = new byte[KernelRecords.ExceptionRecordSize(ps)];
        s.Memory.ReadExact(at, buf);
        var ex = KernelRecords.DecodeExceptionRecord(buf, ps, out uint count);
        if (count > 15) throw new CommandException($"{Hex.Pointer(at, ps)} does not hold an exception record: NumberParameters is {count} (at most 15)");
        return new ExceptionRecordResult(ps, ex.Address, DescribeAddress(s, ex.Address), ex.Code, ExceptionCodes.Name(ex.Code), ex.Flags, ex.Parameters,
            ExceptionCodes.Explain(ex.Code, ex.Parameters, ps), ex.Record);
    }
}
