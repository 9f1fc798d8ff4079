namespace Ntdbg.Analyses.Analyze;

/// <summary>
/// The debugger's problem classes and FAILURE_BUCKET_ID: user crashes as
/// "CLASS_code_image!function" (NULL_POINTER_WRITE_c0000005_app.exe!crash), kernel access
/// violations as "AV_module!function", other bug checks as "0xCODE_module!function" (with the
/// exception code for exception bug checks).
/// </summary>
public static class FailureBucket
{
    private const ulong NullPageLimit = 0x10000;

    public static string ProblemClass(AnalysisKind kind, BugCheckSummary? bugCheck, ExceptionSummary? exception)
    {
        if (exception == null) return kind == AnalysisKind.BugCheck ? $"0x{BugChecks.BugCheckCatalog.Normalize(bugCheck!.Code):X}" : "APPLICATION_HANG_OR_NO_EXCEPTION";
        return exception.Code switch
        {
            0xC0000005 when exception.Access == "execute" => exception.AccessAddress < NullPageLimit ? "NULL_POINTER_EXECUTE" : "SOFTWARE_NX_FAULT",
            0xC0000005 => $"{(exception.AccessAddress < NullPageLimit ? "NULL" : "INVALID")}_POINTER_{(exception.Access ?? "read").ToUpperInvariant()}",
            0xC00000FD => "STACK_OVERFLOW",
            0xC0000409 when exception.Parameters.Count > 0 => $"FAIL_FAST_{ExceptionCodes.FastFailName(exception.Parameters[0]) ?? $"CODE_{exception.Parameters[0]:X}"}",
            0xC0000409 => "STACK_BUFFER_OVERRUN",
            0x80000003 => "BREAKPOINT",
            0xE06D7363 => "CPP_EXCEPTION",
            0xC0000374 => "HEAP_CORRUPTION",
            0xC0000094 => "INTEGER_DIVIDE_BY_ZERO",
            0xC000001D => "ILLEGAL_INSTRUCTION",
            _ => "APPLICATION_FAULT",
        };
    }

    public static string Id(AnalysisKind kind, BugCheckSummary? bugCheck, ExceptionSummary? exception, string problemClass, string? module, string? image, string? function)
    {
        string fn = function ?? "unknown_function";
        if (kind == AnalysisKind.BugCheck)
        {
            string where = $"{module ?? "unknown_module"}!{fn}";
            uint code = BugChecks.BugCheckCatalog.Normalize(bugCheck!.Code);
            if (exception?.Code == 0xC0000005) return $"AV_{where}";
            if (exception != null) return $"0x{code:X}_{exception.Code:x8}_{where}";
            return $"0x{code:X}_{where}";
        }
        string place = $"{image ?? "unknown_image"}!{fn}";
        return exception == null ? $"{problemClass}_{place}" : $"{problemClass}_{exception.Code:x8}_{place}";
    }
}
