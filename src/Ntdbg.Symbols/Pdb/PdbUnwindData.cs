using Ntdbg.Core.Errors;
using Ntdbg.Formats.Pdb;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// A PDB's x86 frame descriptions: FRAMEDATA (the "new FPO" stream, with programs) preferred
/// over FPO_DATA where both cover an address. Sorted once on first use; lookups are binary
/// searches for the innermost record whose range holds the RVA.
/// </summary>
internal sealed class PdbUnwindData(PdbFile pdb, object gate) : IUnwindDataSource
{
    private X86FrameInfo[]? _frameData;
    private X86FrameInfo[]? _fpo;

    public X86FrameInfo? FindX86Frame(uint rva)
    {
        lock (gate)
        {
            _frameData ??= Load(() => pdb.FrameData.Select(f => new X86FrameInfo(X86FrameKind.FrameData, f.RvaStart, f.CodeSize, f.PrologSize,
                f.SavedRegsSize, f.LocalSize, f.ParamsSize, f.MaxStackSize, false, f.Program)));
            _fpo ??= Load(() => pdb.Fpo.Select(f => new X86FrameInfo((X86FrameKind)f.FrameType, f.Start, f.Size, (uint)f.PrologBytes,
                (uint)f.SavedRegisters * 4, f.LocalDwords * 4, f.ParamDwords * 4u, 0, f.UsesBasePointer, null)));
        }
        return Find(_frameData, rva) ?? Find(_fpo, rva);
    }

    public CfiRules? FindCfi(uint rva) => null;

    // A damaged stream leaves the PDB's symbols usable; the walk then falls back to EBP and scanning.
    private static X86FrameInfo[] Load(Func<IEnumerable<X86FrameInfo>> read)
    {
        try
        {
            return read().Where(f => f.CodeSize > 0).OrderBy(f => f.Rva).ThenByDescending(f => f.CodeSize).ToArray();
        }
        catch (DumpFormatException)
        {
            return [];
        }
    }

    // The last record starting at or before rva that still covers it; records nest rarely, so a
    // short walk back finds an outer one when the nearest does not cover.
    private static X86FrameInfo? Find(X86FrameInfo[] records, uint rva)
    {
        int lo = 0, hi = records.Length - 1, at = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (records[mid].Rva <= rva) { at = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        for (int i = at, seen = 0; i >= 0 && seen < 16; i--, seen++)
            if (rva - records[i].Rva < records[i].CodeSize) return records[i];
        return null;
    }
}
