namespace Ntdbg.Formats.Pe;

/// <summary>
/// One .pdata entry. x64: RUNTIME_FUNCTION (begin, end, unwind info RVA). ARM64: begin and the
/// unwind word (an .xdata RVA, or packed unwind data when its low two bits are non-zero); no end.
/// </summary>
public readonly record struct PeRuntimeFunction(uint BeginAddress, uint? EndAddress, uint UnwindData);
