namespace Ntdbg.Analyses.Analyze;

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

    /// <summary>The status name of an exception code ("STATUS_ACCESS_VIOLATION"), as !analyze prints EXCEPTION_CODE_STR's meaning.</summary>
    public static string? Symbol(uint code) => code switch
    {
        0xC0000005 => "STATUS_ACCESS_VIOLATION",
        0x80000003 => "STATUS_BREAKPOINT",
        0x80000004 => "STATUS_SINGLE_STEP",
        0x80000002 => "STATUS_DATATYPE_MISALIGNMENT",
        0xC0000006 => "STATUS_IN_PAGE_ERROR",
        0xC000001D => "STATUS_ILLEGAL_INSTRUCTION",
        0xC0000025 => "STATUS_NONCONTINUABLE_EXCEPTION",
        0xC0000026 => "STATUS_INVALID_DISPOSITION",
        0xC000008C => "STATUS_ARRAY_BOUNDS_EXCEEDED",
        0xC000008E => "STATUS_FLOAT_DIVIDE_BY_ZERO",
        0xC0000094 => "STATUS_INTEGER_DIVIDE_BY_ZERO",
        0xC0000095 => "STATUS_INTEGER_OVERFLOW",
        0xC0000096 => "STATUS_PRIVILEGED_INSTRUCTION",
        0xC00000FD => "STATUS_STACK_OVERFLOW",
        0xC0000374 => "STATUS_HEAP_CORRUPTION",
        0xC0000409 => "STATUS_STACK_BUFFER_OVERRUN",
        0xC0000417 => "STATUS_INVALID_CRUNTIME_PARAMETER",
        0xE06D7363 => "CPP_EH_EXCEPTION",
        _ => null,
    };

    /// <summary>The FAST_FAIL_* name of a fail-fast code (parameter 0 of STATUS_STACK_BUFFER_OVERRUN raised by __fastfail).</summary>
    public static string? FastFailName(ulong code) => code switch
    {
        0 => "LEGACY_GS_VIOLATION",
        1 => "VTGUARD_CHECK_FAILURE",
        2 => "STACK_COOKIE_CHECK_FAILURE",
        3 => "CORRUPT_LIST_ENTRY",
        4 => "INCORRECT_STACK",
        5 => "INVALID_ARG",
        6 => "GS_COOKIE_INIT",
        7 => "FATAL_APP_EXIT",
        8 => "RANGE_CHECK_FAILURE",
        9 => "UNSAFE_REGISTRY_ACCESS",
        10 => "GUARD_ICALL_CHECK_FAILURE",
        11 => "GUARD_WRITE_CHECK_FAILURE",
        12 => "INVALID_FIBER_SWITCH",
        13 => "INVALID_SET_OF_CONTEXT",
        14 => "INVALID_REFERENCE_COUNT",
        18 => "INVALID_JUMP_BUFFER",
        19 => "MRDATA_MODIFIED",
        20 => "CERTIFICATION_FAILURE",
        21 => "INVALID_EXCEPTION_CHAIN",
        22 => "CRYPTO_LIBRARY",
        23 => "INVALID_CALL_IN_DLL_CALLOUT",
        24 => "CFG_NONPROPAGATED_CALL",
        25 => "INVALID_IMAGE_BASE",
        26 => "DLOAD_PROTECTION_FAILURE",
        27 => "UNSAFE_EXTENSION_CALL",
        28 => "DEPRECATED_SERVICE_INVOKED",
        29 => "INVALID_BUFFER_ACCESS",
        30 => "INVALID_BALANCED_TREE",
        31 => "INVALID_NEXT_THREAD",
        32 => "GUARD_ICALL_CHECK_SUPPRESSED",
        33 => "APCS_DISABLED",
        34 => "INVALID_IDLE_STATE",
        35 => "MRDATA_PROTECTION_FAILURE",
        36 => "UNEXPECTED_HEAP_EXCEPTION",
        37 => "INVALID_LOCK_STATE",
        38 => "GUARD_JUMPTABLE",
        39 => "INVALID_LONGJUMP_TARGET",
        40 => "INVALID_DISPATCH_CONTEXT",
        41 => "INVALID_THREAD",
        42 => "INVALID_SYSCALL_NUMBER",
        43 => "INVALID_FILE_OPERATION",
        44 => "LPAC_ACCESS_DENIED",
        45 => "GUARD_SS_FAILURE",
        46 => "LOADER_CONTINUITY_FAILURE",
        47 => "GUARD_EXPORT_SUPPRESSION_FAILURE",
        48 => "INVALID_CONTROL_STACK",
        49 => "SET_CONTEXT_DENIED",
        50 => "INVALID_IAT",
        51 => "HEAP_METADATA_CORRUPTION",
        52 => "PAYLOAD_RESTRICTION_VIOLATION",
        53 => "LOW_LABEL_ACCESS_DENIED",
        54 => "ENCLAVE_CALL_FAILURE",
        55 => "UNHANDLED_LSS_EXCEPTON",
        56 => "ADMINLESS_ACCESS_DENIED",
        57 => "UNEXPECTED_CALL",
        58 => "CONTROL_INVALID_RETURN_ADDRESS",
        59 => "UNEXPECTED_HOST_BEHAVIOR",
        60 => "FLAGS_CORRUPTION",
        61 => "VEH_CORRUPTION",
        62 => "ETW_CORRUPTION",
        63 => "RIO_ABORT",
        64 => "INVALID_PFN",
        _ => null,
    };
}
