namespace Ntdbg.Formats.Breakpad;

/// <summary>
/// Reads a symbol file line by line. The first record must be MODULE; unknown record types are
/// skipped (the format grows); known records are checked strictly, and the first bad number or
/// missing field fails the file with its line number. Line and INLINE records belong to the FUNC
/// before them.
/// </summary>
internal sealed class BreakpadParser(string path)
{
    private readonly BreakpadStringPool _pool = new();
    private readonly List<BreakpadFunction> _functions = [];
    private readonly List<BreakpadLine> _lines = [];
    private readonly List<BreakpadPublic> _publics = [];
    private readonly List<BreakpadStackWin> _stackWin = [];
    private readonly List<BreakpadCfiInit> _cfiInits = [];
    private readonly List<BreakpadCfiDelta> _cfiDeltas = [];
    private readonly Dictionary<int, string> _files = [];
    private readonly Dictionary<int, string> _inlineOrigins = [];
    private BreakpadModuleRecord? _module;
    private string? _codeId, _codeFile;
    private int _inlines, _skipped;

    public BreakpadSymbolFile Parse(ReadOnlySpan<byte> data)
    {
        int pos = data.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0; // a UTF-8 byte order mark
        long number = 0;
        while (pos < data.Length)
        {
            int newline = data[pos..].IndexOf((byte)'\n');
            int end = newline < 0 ? data.Length : pos + newline;
            var line = data[pos..end];
            if (!line.IsEmpty && line[^1] == '\r') line = line[..^1];
            number++;
            var fields = new BreakpadFields(line, new BreakpadLineContext(path, number, pos));
            if (!fields.AtEnd) Record(ref fields);
            pos = end + 1;
        }
        if (_module == null) throw new BreakpadLineContext(path, Math.Max(number, 1), 0).Error("not a breakpad symbol file: no MODULE record");
        CloseFunction();
        return new BreakpadSymbolFile(path, _module, _codeId, _codeFile, _files, _inlineOrigins, _functions, _lines, _publics,
            _stackWin, _cfiInits, _cfiDeltas, _inlines, _skipped);
    }

    private void Record(ref BreakpadFields f)
    {
        var save = f;
        var kind = f.Next("record type");
        if (_module == null && !kind.SequenceEqual("MODULE"u8))
            throw f.Context.Error($"not a breakpad symbol file: the first record is '{BreakpadFields.Quote(kind)}', not MODULE");
        if (kind.SequenceEqual("MODULE"u8)) Module(ref f);
        else if (kind.SequenceEqual("INFO"u8)) Info(ref f);
        else if (kind.SequenceEqual("FILE"u8)) File(ref f);
        else if (kind.SequenceEqual("INLINE_ORIGIN"u8)) InlineOrigin(ref f);
        else if (kind.SequenceEqual("FUNC"u8)) Function(ref f);
        else if (kind.SequenceEqual("INLINE"u8)) Inline(ref f);
        else if (kind.SequenceEqual("PUBLIC"u8)) Public(ref f);
        else if (kind.SequenceEqual("STACK"u8)) Stack(ref f);
        else if (BreakpadFields.IsHex(kind))
        {
            f = save;
            Line(ref f);
        }
        else _skipped++;
    }

    private void Module(ref BreakpadFields f)
    {
        if (_module != null) throw f.Context.Error("second MODULE record");
        string os = f.NextString("MODULE operating system");
        string arch = f.NextString("MODULE architecture");
        string id = f.NextString("MODULE id");
        _module = new BreakpadModuleRecord(os, arch, id, f.RestString("MODULE name"));
    }

    private void Info(ref BreakpadFields f)
    {
        if (f.AtEnd || !f.Next("INFO kind").SequenceEqual("CODE_ID"u8)) return; // other INFO lines say nothing we use
        _codeId = f.NextString("INFO CODE_ID code id");
        var file = f.Rest();
        _codeFile = file.IsEmpty ? null : System.Text.Encoding.UTF8.GetString(file);
    }

    private void File(ref BreakpadFields f)
    {
        int number = f.Decimal("FILE number", allowNegative: false);
        _files[number] = f.RestString("FILE name");
    }

    private void InlineOrigin(ref BreakpadFields f)
    {
        int number = f.Decimal("INLINE_ORIGIN number", allowNegative: false);
        _inlineOrigins[number] = f.RestString("INLINE_ORIGIN name");
    }

    private void Function(ref BreakpadFields f)
    {
        CloseFunction();
        bool multiple = f.TakeFlag((byte)'m');
        ulong address = f.Hex64("FUNC address");
        ulong size = f.Hex64("FUNC size");
        uint parameterSize = f.Hex32("FUNC parameter size");
        _functions.Add(new BreakpadFunction(address, size, parameterSize, f.RestString("FUNC name"), multiple, _lines.Count, 0));
    }

    // A FUNC's line count is known when the next FUNC (or the end of the file) arrives.
    private void CloseFunction()
    {
        if (_functions.Count == 0) return;
        var last = _functions[^1];
        _functions[^1] = last with { LineCount = _lines.Count - last.FirstLine };
    }

    private void Line(ref BreakpadFields f)
    {
        if (_functions.Count == 0) throw f.Context.Error("line record before any FUNC record");
        ulong address = f.Hex64("line address");
        ulong size = f.Hex64("line size");
        int line = f.Decimal("line number", allowNegative: true);
        int file = f.Decimal("line file number", allowNegative: false);
        f.End("line");
        _lines.Add(new BreakpadLine(address, size, line, file));
    }

    private void Inline(ref BreakpadFields f)
    {
        if (_functions.Count == 0) throw f.Context.Error("INLINE record before any FUNC record");
        f.Decimal("INLINE nest level", allowNegative: false);
        f.Decimal("INLINE call site line", allowNegative: true);
        f.Decimal("INLINE call site file number", allowNegative: false);
        f.Decimal("INLINE origin number", allowNegative: false);
        do // at least one (address, size) range
        {
            f.Hex64("INLINE range address");
            f.Hex64("INLINE range size");
        }
        while (!f.AtEnd);
        _inlines++;
    }

    private void Public(ref BreakpadFields f)
    {
        bool multiple = f.TakeFlag((byte)'m');
        ulong address = f.Hex64("PUBLIC address");
        uint parameterSize = f.Hex32("PUBLIC parameter size");
        _publics.Add(new BreakpadPublic(address, parameterSize, f.RestString("PUBLIC name"), multiple));
    }

    private void Stack(ref BreakpadFields f)
    {
        var kind = f.Next("STACK record kind");
        if (kind.SequenceEqual("WIN"u8)) StackWin(ref f);
        else if (kind.SequenceEqual("CFI"u8)) StackCfi(ref f);
        else _skipped++;
    }

    private void StackWin(ref BreakpadFields f)
    {
        uint type = f.Hex32("STACK WIN type");
        if (type > BreakpadStackWin.MaxType) throw f.Context.Error($"STACK WIN type {type:x} is not a frame type (0-4)");
        uint rva = f.Hex32("STACK WIN rva");
        uint codeSize = f.Hex32("STACK WIN code size");
        uint prolog = f.Hex32("STACK WIN prolog size");
        uint epilog = f.Hex32("STACK WIN epilog size");
        uint parameters = f.Hex32("STACK WIN parameter size");
        uint savedRegisters = f.Hex32("STACK WIN saved register size");
        uint locals = f.Hex32("STACK WIN local size");
        uint maxStack = f.Hex32("STACK WIN max stack size");
        string? program = null;
        bool allocatesBasePointer = false;
        if (f.Flag01("STACK WIN has_program_string"))
        {
            var text = f.Rest();
            if (text.IsEmpty) throw f.Context.Error("STACK WIN program string is missing");
            program = _pool.Get(text);
        }
        else
        {
            allocatesBasePointer = f.Flag01("STACK WIN allocates_base_pointer");
            f.End("STACK WIN");
        }
        _stackWin.Add(new BreakpadStackWin(type, rva, codeSize, prolog, epilog, parameters, savedRegisters, locals, maxStack, program, allocatesBasePointer));
    }

    private void StackCfi(ref BreakpadFields f)
    {
        var save = f;
        if (f.Next("STACK CFI address").SequenceEqual("INIT"u8))
        {
            ulong address = f.Hex64("STACK CFI INIT address");
            ulong size = f.Hex64("STACK CFI INIT size");
            _cfiInits.Add(new BreakpadCfiInit(address, size, Rules(ref f)));
        }
        else
        {
            f = save;
            ulong address = f.Hex64("STACK CFI address");
            _cfiDeltas.Add(new BreakpadCfiDelta(address, Rules(ref f)));
        }
    }

    private string Rules(ref BreakpadFields f)
    {
        string rules = _pool.Get(f.Rest());
        if (BreakpadCfiRules.Check(rules) is { } problem) throw f.Context.Error(problem);
        return rules;
    }
}
