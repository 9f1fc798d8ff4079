using Iced.Intel;

namespace Ntdbg.Analyses.Pool;

/// <summary>Instruction text as WinDbg prints it (MASM, `6B61654Ch`, no space after commas).</summary>
internal static class PoolInstructionText
{
    public static MasmFormatter CreateFormatter()
    {
        var formatter = new MasmFormatter();
        var o = formatter.Options;
        o.HexSuffix = "h";
        o.UppercaseHex = true;
        o.SpaceAfterOperandSeparator = false;
        o.FirstOperandCharIndex = 8;
        return formatter;
    }

    public static string Format(MasmFormatter formatter, ref Instruction instruction)
    {
        var output = new StringOutput();
        formatter.Format(instruction, output);
        return output.ToStringAndReset();
    }
}
