namespace Ntdbg.Targets.Kernel;

/// <summary>What a not-valid (software) entry holds; <see cref="None"/> for a valid entry.</summary>
public enum SoftwarePteKind { None, Zero, DemandZero, Transition, Prototype, PageFile }

/// <summary>
/// One paging-structure entry decoded. Hardware bits apply to valid entries; for not-valid ones
/// Windows keeps its own layout: prototype bit 10, transition bit 11, protection in bits 5..9,
/// page-file number in bits 1..4 and the page-file offset in the high half (bits 12..31 on x86).
/// </summary>
public sealed record PteFlags(
    bool Valid, bool Writable, bool User, bool WriteThrough, bool CacheDisabled, bool Accessed, bool Dirty,
    bool LargePage, bool Global, bool CopyOnWrite, bool NoExecute,
    SoftwarePteKind Software, uint Protection, uint PageFileNumber, ulong PageFileOffset)
{
    /// <summary>Decodes <paramref name="value"/>; <paramref name="entrySize"/> 8 (x64, PAE) or 4 (x86).</summary>
    public static PteFlags Decode(ulong value, int entrySize)
    {
        bool valid = (value & 1) != 0;
        bool wide = entrySize == 8;
        SoftwarePteKind kind = SoftwarePteKind.None;
        if (!valid)
        {
            ulong offsetBits = wide ? value >> 32 : (value >> 12) & 0xF_FFFF;
            kind = value == 0 ? SoftwarePteKind.Zero
                : (value & 0x400) != 0 ? SoftwarePteKind.Prototype
                : (value & 0x800) != 0 ? SoftwarePteKind.Transition
                : offsetBits != 0 ? SoftwarePteKind.PageFile
                : SoftwarePteKind.DemandZero;
        }
        return new PteFlags(
            valid, (value & 2) != 0, (value & 4) != 0, (value & 8) != 0, (value & 0x10) != 0, (value & 0x20) != 0, (value & 0x40) != 0,
            (value & 0x80) != 0, (value & 0x100) != 0, (value & 0x200) != 0, wide && (value >> 63) != 0,
            kind, (uint)((value >> 5) & 0x1F), (uint)((value >> 1) & 0xF),
            kind == SoftwarePteKind.PageFile ? (wide ? value >> 32 : (value >> 12) & 0xF_FFFF) : 0);
    }

    /// <summary>
    /// The letters `!pte` prints for a valid entry, one column per bit with '-' when clear:
    /// C(opy-on-write) G(lobal) L(arge) D(irty) A(ccessed) N(o cache) T(write-through) U/K(owner)
    /// W/R E(xecutable; 8-byte entries only) V(alid).
    /// </summary>
    public string Letters(int entrySize)
    {
        var s = new System.Text.StringBuilder(11);
        s.Append(CopyOnWrite ? 'C' : '-').Append(Global ? 'G' : '-').Append(LargePage ? 'L' : '-')
            .Append(Dirty ? 'D' : '-').Append(Accessed ? 'A' : '-').Append(CacheDisabled ? 'N' : '-')
            .Append(WriteThrough ? 'T' : '-').Append(User ? 'U' : 'K').Append(Writable ? 'W' : 'R');
        if (entrySize == 8) s.Append(NoExecute ? '-' : 'E');
        return s.Append(Valid ? 'V' : '-').ToString();
    }

    /// <summary>The memory-manager protection of a not-valid entry ("4 - ReadWrite").</summary>
    public static string ProtectionName(uint protection)
    {
        string basic = (protection & 7) switch
        {
            0 => "NoAccess",
            1 => "ReadOnly",
            2 => "Execute",
            3 => "ExecuteRead",
            4 => "ReadWrite",
            5 => "WriteCopy",
            6 => "ExecuteReadWrite",
            _ => "ExecuteWriteCopy",
        };
        string modifier = (protection >> 3) switch { 1 => "NoCache", 2 => "Guard", 3 => "WriteCombine", _ => "" };
        return modifier.Length == 0 ? basic : $"{modifier} {basic}";
    }
}
