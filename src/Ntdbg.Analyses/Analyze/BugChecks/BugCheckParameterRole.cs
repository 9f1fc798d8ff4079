namespace Ntdbg.Analyses.Analyze.BugChecks;

/// <summary>
/// What a bug check parameter holds, so the analysis engine can act on it (read an exception
/// record, switch to a context, look up a pool block, name a driver) without parsing the text.
/// </summary>
public enum BugCheckParameterRole
{
    /// <summary>Not used, reserved, or always zero.</summary>
    None,

    /// <summary>Documented, but not something the engine can follow (an internal value, a flag set).</summary>
    Unknown,

    /// <summary>Selects which of the documented meanings the other parameters have.</summary>
    Subtype,

    /// <summary>An exception code (NTSTATUS such as 0xC0000005).</summary>
    ExceptionCode,

    /// <summary>The address where the exception was raised.</summary>
    ExceptionAddress,

    /// <summary>The address of an EXCEPTION_RECORD.</summary>
    ExceptionRecord,

    /// <summary>The address of a CONTEXT record.</summary>
    ContextRecord,

    /// <summary>The address of a KTRAP_FRAME.</summary>
    TrapFrame,

    /// <summary>The address of a KEXCEPTION_FRAME.</summary>
    ExceptionFrame,

    /// <summary>The memory address that was referenced.</summary>
    ReferencedAddress,

    /// <summary>An interrupt request level.</summary>
    Irql,

    /// <summary>Read/write/execute flags of an access (bit 0 write, bit 3 execute; or 0/1/8 as a value).</summary>
    AccessType,

    /// <summary>The address of the instruction that made the bad access.</summary>
    FaultingInstructionAddress,

    /// <summary>An NTSTATUS value other than an exception code.</summary>
    Status,

    /// <summary>The address of a pool block or pool header.</summary>
    PoolAddress,

    /// <summary>A four-character pool tag.</summary>
    PoolTag,

    /// <summary>A POOL_TYPE value.</summary>
    PoolType,

    /// <summary>A size or length in bytes.</summary>
    Size,

    /// <summary>A count (pages, entries, references).</summary>
    Count,

    /// <summary>The address of a UNICODE_STRING or character string naming a driver or image.</summary>
    ImageName,

    /// <summary>The base address of a loaded image.</summary>
    ImageBase,

    /// <summary>The address of a code routine (callback, dispatch or worker routine).</summary>
    CodeAddress,

    /// <summary>The address of a DRIVER_OBJECT.</summary>
    DriverObject,

    /// <summary>The address of a DEVICE_OBJECT.</summary>
    DeviceObject,

    /// <summary>The address of an IRP.</summary>
    Irp,

    /// <summary>The address of a thread (ETHREAD/KTHREAD).</summary>
    ThreadAddress,

    /// <summary>The address of a process (EPROCESS/KPROCESS).</summary>
    ProcessAddress,

    /// <summary>The address of some other kernel object or structure.</summary>
    ObjectAddress,

    /// <summary>The address of a lock (spin lock, ERESOURCE, mutex, push lock).</summary>
    LockAddress,

    /// <summary>A handle value.</summary>
    Handle,

    /// <summary>The address of a page table entry.</summary>
    PteAddress,

    /// <summary>A page frame number.</summary>
    PageFrameNumber,

    /// <summary>A physical address.</summary>
    PhysicalAddress,

    /// <summary>A virtual address that is not itself the referenced memory (a range start, a view).</summary>
    VirtualAddress,

    /// <summary>The address of a WHEA_ERROR_RECORD or similar hardware error record.</summary>
    ErrorRecord,

    /// <summary>A processor number or index.</summary>
    Processor,

    /// <summary>A time value (ticks, milliseconds, seconds).</summary>
    Time,

    /// <summary>A plain number whose meaning the description gives (a code, a state, a value).</summary>
    Value,
}
