using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Breakpad;

/// <summary>
/// A Google Breakpad text symbol file (.sym), as dump_syms writes it for a module without a PDB
/// at hand: names (FUNC, PUBLIC), source lines, and unwind descriptions (STACK WIN for x86,
/// STACK CFI elsewhere). Parsed once into sorted arrays; names and rules are copied out, so the
/// file need not stay open. Addresses are relative to the module base.
/// </summary>
public sealed class BreakpadSymbolFile
{
    private readonly BreakpadFunction[] _functions;
    private readonly BreakpadLine[] _lines;
    private readonly BreakpadPublic[] _publics;
    private readonly BreakpadStackWinIndex[] _stackWinByType;
    private readonly BreakpadCfiIndex _cfi;

    internal BreakpadSymbolFile(string path, BreakpadModuleRecord module, string? codeId, string? codeFile,
        Dictionary<int, string> files, Dictionary<int, string> inlineOrigins, List<BreakpadFunction> functions, List<BreakpadLine> lines,
        List<BreakpadPublic> publics, List<BreakpadStackWin> stackWin, List<BreakpadCfiInit> cfiInits, List<BreakpadCfiDelta> cfiDeltas,
        int inlineCount, int skippedRecords)
    {
        Path = path;
        Module = module;
        CodeId = codeId;
        CodeFile = codeFile;
        Files = files;
        InlineOrigins = inlineOrigins;
        _functions = [.. functions.OrderBy(f => f.Address)];
        _lines = [.. lines];
        _publics = [.. publics.OrderBy(p => p.Address)];
        _stackWinByType = new BreakpadStackWinIndex[BreakpadStackWin.MaxType + 1];
        for (uint t = 0; t <= BreakpadStackWin.MaxType; t++) _stackWinByType[t] = new BreakpadStackWinIndex(stackWin.Where(r => r.Type == t));
        StackWinCount = stackWin.Count;
        _cfi = new BreakpadCfiIndex(cfiInits, cfiDeltas);
        InlineCount = inlineCount;
        SkippedRecords = skippedRecords;
    }

    /// <summary>Reads and parses a symbol file; any problem is a one-line <see cref="DumpFormatException"/>.</summary>
    public static BreakpadSymbolFile Load(string path)
    {
        using var file = MappedFile.Open(path);
        return Parse(file);
    }

    public static BreakpadSymbolFile Parse(MappedFile file)
    {
        if (file.Length > int.MaxValue) throw new DumpFormatException(file.Path, 0, $"symbol file of {file.Length} bytes is larger than the 2 GiB this reader handles");
        return Parse(file.Path, file.SpanClamped(0, file.Length));
    }

    public static BreakpadSymbolFile Parse(string path, ReadOnlySpan<byte> text) => new BreakpadParser(path).Parse(text);

    public string Path { get; }
    public BreakpadModuleRecord Module { get; }

    /// <summary>INFO CODE_ID: the image's TimeDateStamp and SizeOfImage in hex for Windows modules; null when absent.</summary>
    public string? CodeId { get; }
    public string? CodeFile { get; }

    /// <summary>FILE records: file number to source path.</summary>
    public IReadOnlyDictionary<int, string> Files { get; }
    public IReadOnlyDictionary<int, string> InlineOrigins { get; }

    /// <summary>FUNC records by address.</summary>
    public IReadOnlyList<BreakpadFunction> Functions => _functions;

    /// <summary>PUBLIC records by address.</summary>
    public IReadOnlyList<BreakpadPublic> Publics => _publics;

    /// <summary>Every line record, grouped by the FUNC they follow.</summary>
    public IReadOnlyList<BreakpadLine> Lines => _lines;

    public int StackWinCount { get; }
    public IReadOnlyList<BreakpadCfiInit> CfiInits => _cfi.Inits;
    public IReadOnlyList<BreakpadCfiDelta> CfiDeltas => _cfi.Deltas;

    /// <summary>INLINE records (checked, not kept).</summary>
    public int InlineCount { get; }

    /// <summary>Records of a type this reader does not know, skipped.</summary>
    public int SkippedRecords { get; }

    public bool HasUnwindData => StackWinCount > 0 || _cfi.Inits.Count > 0;

    public ReadOnlySpan<BreakpadLine> LinesOf(BreakpadFunction function) =>
        function.FirstLine >= 0 && function.LineCount >= 0 && function.FirstLine <= _lines.Length - function.LineCount
            ? _lines.AsSpan(function.FirstLine, function.LineCount)
            : [];

    /// <summary>The FUNC whose range holds address, or null.</summary>
    public BreakpadFunction? FindFunction(ulong address)
    {
        int i = Floor(_functions, static f => f.Address, address);
        return i >= 0 && _functions[i].Contains(address) ? _functions[i] : null;
    }

    /// <summary>The PUBLIC at or closest before address, or null.</summary>
    public BreakpadPublic? FindPublic(ulong address)
    {
        int i = Floor(_publics, static p => p.Address, address);
        return i >= 0 ? _publics[i] : null;
    }

    /// <summary>
    /// The STACK WIN record for rva: the innermost FRAMEDATA (type 4) record covering it, else the
    /// innermost FPO (type 0) one, else one of the other frame types; null when none covers rva.
    /// </summary>
    public BreakpadStackWin? FindStackWin(uint rva) =>
        _stackWinByType[4].Find(rva) ?? _stackWinByType[0].Find(rva)
        ?? _stackWinByType[3].Find(rva) ?? _stackWinByType[1].Find(rva) ?? _stackWinByType[2].Find(rva);

    /// <summary>The innermost STACK WIN record of one type covering rva.</summary>
    public BreakpadStackWin? FindStackWin(uint rva, uint type) =>
        type <= BreakpadStackWin.MaxType ? _stackWinByType[type].Find(rva) : null;

    /// <summary>The CFI rules in force at address: the covering INIT record with every delta up to address applied; null outside every INIT range.</summary>
    public BreakpadCfiRuleSet? FindCfi(ulong address) => _cfi.Find(address);

    /// <summary>The last index whose key is at or before address in an array sorted by key, or -1.</summary>
    internal static int Floor<T>(T[] sorted, Func<T, ulong> key, ulong address)
    {
        int lo = 0, hi = sorted.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (key(sorted[mid]) <= address) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found;
    }
}
