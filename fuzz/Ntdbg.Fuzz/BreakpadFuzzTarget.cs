using Ntdbg.Core.Errors;
using Ntdbg.Formats.Breakpad;
using Ntdbg.Symbols.Breakpad;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for the breakpad .sym reader: parses the input, builds the symbol source and asks
/// every kind of lookup at the edges of each record (start, last byte, one past the end). The only
/// acceptable failure is the reader's one-line <see cref="DumpFormatException"/>.
/// </summary>
public static class BreakpadFuzzTarget
{
    public static void Run(byte[] input)
    {
        BreakpadSymbolFile file;
        try { file = BreakpadSymbolFile.Parse("fuzz.sym", input); }
        catch (DumpFormatException) { return; }
        var source = new BreakpadSymbolSource(file);
        var unwind = source.UnwindData;
        foreach (var f in file.Functions)
        {
            _ = file.LinesOf(f).Length;
            foreach (ulong a in Edges(f.Address, f.Size)) Look(source, file, a);
        }
        foreach (var p in file.Publics) Look(source, file, p.Address);
        foreach (var c in file.CfiInits)
            foreach (ulong a in Edges(c.Address, c.Size)) _ = unwind?.FindCfi((uint)Math.Min(a, uint.MaxValue));
        foreach (var d in file.CfiDeltas) _ = unwind?.FindCfi((uint)Math.Min(d.Address, uint.MaxValue));
        foreach (ulong a in new ulong[] { 0, 0x1000, uint.MaxValue }) Look(source, file, a);
        _ = source.Match("*a*").Count();
        foreach (var s in source.Symbols.Take(64)) _ = source.FindByName(s.Name);
    }

    private static void Look(BreakpadSymbolSource source, BreakpadSymbolFile file, ulong address)
    {
        uint rva = (uint)Math.Min(address, uint.MaxValue);
        _ = source.TryFindByRva(rva, out _, out _);
        _ = source.FindNext(rva);
        _ = file.FindFunction(address);
        _ = file.FindPublic(address);
        _ = source.UnwindData?.FindX86Frame(rva);
        _ = source.UnwindData?.FindCfi(rva);
    }

    private static IEnumerable<ulong> Edges(ulong start, ulong size)
    {
        yield return start;
        if (size > 0) yield return start + (size - 1);
        yield return start + size;
    }
}
