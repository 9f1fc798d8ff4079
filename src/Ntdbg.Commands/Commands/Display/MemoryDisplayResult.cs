using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Display;

/// <summary>A block of memory shown as db/dw/dd/dq/dc/dp/dps show it. Valid[i] false means byte i is missing.</summary>
public sealed record MemoryDisplayResult(
    DisplayFormat Format,
    ulong Address,
    int ElementSize,
    int PointerSize,
    byte[] Data,
    bool[] Valid,
    /// <summary>dps/dqs/dds: the symbol for each element (null where none).</summary>
    IReadOnlyList<string?>? Symbols,
    MemoryFault? Fault);

/// <summary>A string shown by da/du.</summary>
public sealed record StringDisplayResult(DisplayFormat Format, ulong Address, int PointerSize, IReadOnlyList<StringDisplayLine> Lines, MemoryFault? Fault);

public sealed record StringDisplayLine(ulong Address, string Text, bool Complete);
