namespace Ntdbg.Commands.Commands.Exceptions;

/// <summary>The names WinDbg gives to common exception codes, and the access-violation explanation.</summary>
public static class ExceptionCodes
{
    public static string? Name(uint code) => code switch
    {
        0xC0000005 => "Access violation",
        0x80000003 => "Break instruction exception",
        0x80000004 => "Single step exception",
        0x80000002 => "Data misaligned",
        0xC0000006 => "In-page I/O error",
        0xC000001D => "Illegal instruction",
        0xC0000025 => "Non-continuable exception",
        0xC0000026 => "Invalid disposition",
        0xC000008C => "Array bounds exceeded",
        0xC000008D => "Floating-point denormal operand",
        0xC000008E => "Floating-point division by zero",
        0xC000008F => "Floating-point inexact result",
        0xC0000090 => "Floating-point invalid operation",
        0xC0000091 => "Floating-point overflow",
        0xC0000092 => "Floating-point stack check",
        0xC0000093 => "Floating-point underflow",
        0xC0000094 => "Integer divide-by-zero",
        0xC0000095 => "Integer overflow",
        0xC0000096 => "Privileged instruction",
        0xC00000FD => "Stack overflow",
        0xC0000135 => "Unable to locate DLL",
        0xC0000142 => "DLL initialization failed",
        0xC0000374 => "Heap corruption",
        0xC0000409 => "Security check failure or stack buffer overrun",
        0xC0000417 => "Invalid crt parameter",
        0xE06D7363 => "C++ EH exception",
        0x40010005 => "Control-C exit",
        _ => null,
    };

    /// <summary>"Attempt to write to address ..." for access violations and in-page errors.</summary>
    public static string? Explain(uint code, IReadOnlyList<ulong> p, int pointerSize)
    {
        if ((code != 0xC0000005 && code != 0xC0000006) || p.Count < 2) return null;
        string addr = pointerSize == 8 ? p[1].ToString("x16") : p[1].ToString("x8");
        return p[0] switch
        {
            0 => $"Attempt to read from address {addr}",
            1 => $"Attempt to write to address {addr}",
            8 => $"Attempt to execute non-executable address {addr}",
            _ => null,
        };
    }
}
