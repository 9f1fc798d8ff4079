using static Ntdbg.Analyses.Analyze.BugChecks.BugCheckParameterRole;

namespace Ntdbg.Analyses.Analyze.BugChecks;

/// <summary>Power IRP and pool-caller checks, whose parameter 1 says which rule was broken.</summary>
internal static partial class BugCheckData
{
    private static readonly BugCheckParameter Pt = new(PoolType, "Pool type");
    private static readonly BugCheckParameter Tag = new(PoolTag, "Pool tag");
    private static readonly BugCheckParameter FreedAddress = new(PoolAddress, "Address being freed");
    private static readonly BugCheckParameter Caller = new(CodeAddress, "Caller's address");

    private static BugCheckInfo DriverPowerStateFailure() => S(0x9F, "DRIVER_POWER_STATE_FAILURE",
        "A driver mishandled a power request: it held a power IRP too long, or did not finish a power transition in time.",
        KindSelector, P(DeviceObject, "Depends on parameter 1"), P(Value, "Depends on parameter 1"), P(Value, "Depends on parameter 1"),
        T(0x1, "Device object being freed still has a power request outstanding", P(DeviceObject, "Device object"), Reserved, Reserved),
        T(0x2, "System power IRP completed without starting the next power IRP", P(DeviceObject, "Target device object, when known"), P(DeviceObject, "Device object"), P(DriverObject, "Driver object, when known")),
        T(0x3, "A device object has held a power IRP for too long", P(DeviceObject, "Physical device object of the stack"), P(ObjectAddress, "nt!_TRIAGE_9F_POWER block"), P(Irp, "The blocked IRP")),
        T(0x4, "Power transition timed out waiting for the Plug and Play lock", P(Time, "Timeout in seconds"), P(ThreadAddress, "Thread holding the Plug and Play lock"), P(ObjectAddress, "nt!_TRIAGE_9F_PNP block")),
        T(0x5, "Device did not finish a directed power transition in time", P(DeviceObject, "Physical device object of the stack"), P(ObjectAddress, "POP_FX_DEVICE"), Zero),
        T(0x6, "Device's directed power transition callback failed", P(ObjectAddress, "POP_FX_DEVICE"), P(Value, "1 directed power down, 0 power up"), Zero),
        T(0x500, "System power IRP completed without starting the next power IRP", Reserved, P(DeviceObject, "Target device object, when known"), P(DeviceObject, "Device object")));

    private static BugCheckSubtype HeaderCorrupt(ulong value) =>
        T(value, "Pool header is corrupt", P(PoolAddress, "Pool header"), P(Value, "First part of the header"), Zero);

    private static BugCheckSubtype QuotaRelease(ulong value) =>
        T(value, "Releasing quota of a corrupted pool block", P(PoolAddress, "Pool block"), Tag, P(ProcessAddress, "Bad quota process pointer"));

    private static BugCheckInfo BadPoolCaller() => S(0xC2, "BAD_POOL_CALLER",
        "A thread made a bad pool request: wrong IRQL, double free, bad address, bad tag, or zero size.",
        KindSelector, P(Value, "Depends on parameter 1"), P(Value, "Depends on parameter 1"), P(Value, "Depends on parameter 1"),
        T(0x00, "Zero-byte allocation requested", Zero, Pt, Tag),
        HeaderCorrupt(0x01), HeaderCorrupt(0x02), HeaderCorrupt(0x04),
        T(0x06, "Freeing pool that was already freed", Reserved, P(PoolAddress, "Pool header"), P(Value, "Header contents")),
        T(0x07, "Freeing pool that was already freed", Reserved, P(Value, "Header contents"), P(PoolAddress, "Block being freed")),
        T(0x08, "Allocating at an IRQL that is not allowed", CurrentIrql, Pt, P(Size, "Size of the allocation")),
        T(0x09, "Freeing at an IRQL that is not allowed", CurrentIrql, Pt, P(PoolAddress, "Pool block")),
        T(0x0A, "Freeing with a tag other than the allocation's", P(PoolAddress, "Pool block"), P(PoolTag, "Tag the block was allocated with"), P(PoolTag, "Tag given to the free")),
        QuotaRelease(0x0B), QuotaRelease(0x0C), QuotaRelease(0x0D),
        T(0x40, "Freeing kernel pool at a user-mode address", P(PoolAddress, "Starting address"), P(VirtualAddress, "Start of system address space"), Zero),
        T(0x41, "Freeing a nonpaged pool address that is not allocated", P(PoolAddress, "Starting address"), P(PageFrameNumber, "Physical page"), P(PageFrameNumber, "Highest physical page")),
        T(0x42, "Freeing an address that was never in any pool", FreedAddress, Zero, Zero),
        T(0x43, "Freeing an address that was never in any pool", FreedAddress, Zero, Zero),
        T(0x44, "Freeing a nonpaged pool address that is not allocated", P(PoolAddress, "Starting address"), Reserved, Zero),
        T(0x46, "Freeing an invalid pool address", P(PoolAddress, "Starting address"), Zero, Zero),
        T(0x47, "Freeing a nonpaged pool address that is not allocated", P(PoolAddress, "Starting address"), P(PageFrameNumber, "Physical page"), P(PageFrameNumber, "Highest physical page")),
        T(0x48, "Freeing a paged pool address that is not allocated", P(PoolAddress, "Starting address"), Reserved, Reserved),
        T(0x50, "Freeing a paged pool address that is not allocated", P(PoolAddress, "Starting address"), P(Count, "Offset in pages from the start of paged pool"), P(Size, "Size of paged pool")),
        T(0x60, "Freeing an invalid contiguous memory address", P(PoolAddress, "Starting address"), Zero, Zero),
        T(0x99, "Freeing a pool address that is not valid (or the header is corrupt)", FreedAddress, Zero, Zero),
        T(0x9A, "MUST_SUCCEED allocation requested (no longer supported)", Pt, P(Size, "Bytes requested"), Tag),
        T(0x9B, "Allocation with a zero tag", Pt, P(Size, "Bytes requested"), Caller),
        T(0x9C, "Allocation with the reserved tag \"BIG\"", Pt, P(Size, "Bytes requested"), Caller),
        T(0x9D, "Allocation with a tag that has no letters or digits", P(PoolTag, "Tag used"), Pt, Caller),
        T(0x41286, "Freeing a paged pool address inside an allocation", Reserved, Reserved, P(Count, "Offset in pages from the start of paged pool")));
}
