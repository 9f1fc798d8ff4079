namespace Ntdbg.Formats.KernelDump;

/// <summary>DUMP_DRIVER_ENTRY: a loaded driver's KLDR_DATA_TABLE_ENTRY copy, its name from the string pool.</summary>
public sealed record TriageDriver(string Name, ulong Base, uint SizeOfImage, uint CheckSum, uint TimeDateStamp, uint Flags, ushort LoadCount, ulong EntryPoint, long EntryFileOffset);

/// <summary>DUMP_UNLOADED_DRIVERS: a driver that was unloaded (name truncated to 12 characters by the kernel).</summary>
public sealed record TriageUnloadedDriver(string Name, ulong StartAddress, ulong EndAddress);

/// <summary>TRIAGE_DATA_BLOCK: <see cref="Size"/> bytes of virtual memory at <see cref="Address"/>, stored at file <see cref="Offset"/>.</summary>
public readonly record struct TriageDataBlock(ulong Address, uint Offset, uint Size);

/// <summary>DUMP_MM_STORAGE: memory manager counters saved in the triage dump.</summary>
public sealed record TriageMmInfo(uint Version, uint Size, uint SpecialPoolTag, uint TriageActionTaken, uint VerifyDriverLevel, uint KernelVerifier,
    ulong MaximumNonPagedPool, ulong AllocatedNonPagedPool, ulong PagedPoolMaximum, ulong PagedPoolAllocated,
    ulong CommittedPages, ulong CommittedPagesPeak, ulong CommitLimitMaximum);
