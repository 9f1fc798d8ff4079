using static Ntdbg.Analyses.Analyze.BugChecks.BugCheckParameterRole;

namespace Ntdbg.Analyses.Analyze.BugChecks;

/// <summary>
/// The catalog's contents, split by code range over several files. Names are Windows' fixed
/// identifiers; summaries and parameter lines are this project's own short wording.
/// </summary>
internal static partial class BugCheckData
{
    public static IEnumerable<BugCheckInfo> Entries() =>
        Codes00To4F()
            .Concat(Codes50To9F())
            .Concat(CodesA0ToEF())
            .Concat(CodesF0To13F())
            .Concat(Codes140To19F())
            .Concat(Codes1A0AndAbove())
            .Concat(OlderCodes());

    /// <summary>A code whose parameters are not documented or not used.</summary>
    private static BugCheckInfo B(uint code, string name, string summary) =>
        new(code, name, summary, [NotUsed, NotUsed, NotUsed, NotUsed]);

    private static BugCheckInfo B(uint code, string name, string summary,
        BugCheckParameter p1, BugCheckParameter p2, BugCheckParameter p3, BugCheckParameter p4) =>
        new(code, name, summary, [p1, p2, p3, p4]);

    /// <summary>A code whose parameter 1 selects the meaning of the others.</summary>
    private static BugCheckInfo S(uint code, string name, string summary,
        BugCheckParameter p1, BugCheckParameter p2, BugCheckParameter p3, BugCheckParameter p4,
        params BugCheckSubtype[] subtypes) =>
        new(code, name, summary, [p1, p2, p3, p4]) { Subtypes = subtypes };

    private static BugCheckParameter P(BugCheckParameterRole role, string description) => new(role, description);

    /// <summary>A subtype: the value of parameter 1, what it means, and parameters 2-4.</summary>
    private static BugCheckSubtype T(ulong value, string meaning, BugCheckParameter p2, BugCheckParameter p3, BugCheckParameter p4) =>
        new(value, [new BugCheckParameter(Subtype, meaning), p2, p3, p4]);

    /// <summary>A subtype whose parameters 2-4 are not documented.</summary>
    private static BugCheckSubtype T(ulong value, string meaning) => T(value, meaning, Reserved, Reserved, Reserved);

    private static readonly BugCheckParameter NotUsed = new(None, "Not used");
    private static readonly BugCheckParameter Reserved = new(None, "Reserved");
    private static readonly BugCheckParameter Zero = new(None, "Zero");
    private static readonly BugCheckParameter Internal = new(Unknown, "Internal value");
    private static readonly BugCheckParameter KindSelector = new(Subtype, "Kind of failure; selects what the other parameters mean");
    private static readonly BugCheckParameter ExCode = new(ExceptionCode, "Exception code that was not handled");
    private static readonly BugCheckParameter ExAddress = new(ExceptionAddress, "Address where the exception happened");
    private static readonly BugCheckParameter ExRecord = new(ExceptionRecord, "Exception record address");
    private static readonly BugCheckParameter CxRecord = new(ContextRecord, "Context record address");
    private static readonly BugCheckParameter Trap = new(TrapFrame, "Trap frame address");
    private static readonly BugCheckParameter Referenced = new(ReferencedAddress, "Memory address referenced");
    private static readonly BugCheckParameter CurrentIrql = new(Irql, "IRQL at the time");
    private static readonly BugCheckParameter AccessBits = new(AccessType, "Access flags: bit 0 set = write, bit 3 set = execute");
    private static readonly BugCheckParameter Instruction = new(FaultingInstructionAddress, "Address of the instruction that made the access");
    private static readonly BugCheckParameter NtStatus = new(Status, "NTSTATUS of the failure");
}
