using Ntdbg.Commands.Engine;
using Ntdbg.Commands.Session;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Types;

/// <summary>
/// dt [-r[n]] [-v] [-b] [module!]Type [Address] [Field[.Sub][.] ...], also dt Address Type and
/// dt module!Pattern* (list matching types). Without an address it prints the layout; with one,
/// the values read from the dump.
/// </summary>
[Command("dt", Summary = "Display a type's layout, or a structure at an address",
    Usage = "dt [-r[n]] [-v] [-b] [module!]Type [Address] [Field[.Sub][.]]   e.g. dt nt!_EPROCESS ffffa0011a2b3080 ActiveProcessLinks")]
public sealed class DtCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        var s = context.Session;
        int recurse = 0;
        bool verbose = false, arrays = false;
        var words = Tokens(context.Arguments);
        var rest = new List<string>();
        foreach (var w in words)
        {
            if (w.Length > 1 && w[0] == '-' && char.IsLetter(w[1]))
            {
                switch (char.ToLowerInvariant(w[1]))
                {
                    case 'r':
                        recurse = w.Length > 2 && int.TryParse(w[2..], out int n) ? Math.Clamp(n, 0, DtLayoutBuilder.MaxRecursion) : 1;
                        break;
                    case 'v': verbose = true; break;
                    case 'b': case 'a': arrays = true; break;
                    case 'i': case 'p': case 'o': case 'n': case 'y': break;
                    default: throw new CommandException($"dt: unknown option '{w}'");
                }
            }
            else rest.Add(w);
        }
        if (rest.Count == 0) throw new CommandException("dt: a type name is needed (dt nt!_EPROCESS [Address])");

        // dt Type [Address] or dt Address Type.
        string typeName = rest[0];
        ulong? address = null;
        var found = FindType(s, typeName);
        int next = 1;
        if (found == null && rest.Count > 1 && TryEvaluate(context, rest[0], out ulong first))
        {
            found = FindType(s, rest[1]);
            if (found != null)
            {
                typeName = rest[1];
                address = first;
                next = 2;
            }
        }

        if (SymbolWildcard.IsPattern(typeName))
            return ListTypes(s, typeName);
        // dt on a typed global ("dt useheap_x64!g_LeakyBlob"): its type at its address.
        if (found == null && TypedSymbol(s, typeName) is { } global)
        {
            found = (global.Module, global.Type);
            address ??= global.Address;
        }
        if (found == null) throw new CommandException($"Symbol {typeName} not found.");
        var (module, type) = found.Value;

        var filters = new List<string>();
        for (int i = next; i < rest.Count; i++)
        {
            if (type is UdtType u && IsFieldPath(u, rest[i])) filters.Add(rest[i]);
            else if (address == null && TryEvaluate(context, rest[i], out ulong a)) address = a;
            else throw new CommandException($"dt: '{rest[i]}' is neither a member of {type.Name} nor an address");
        }

        string? header = address == null ? $"{module}!{type.Name}" : null;
        if (type is not UdtType udt)
        {
            // A non-structure: its spelling, or its value at the address.
            string text = address is ulong at
                ? new DtValueFormatter(s.Memory, s.PointerSize, s.SymbolTable.FormatAddress).Format(type, at, null, out _)
                : DtSpelling.Of(type);
            return new DtResult(header, [new DtLine(-1, 0, "", text)], []);
        }
        if (verbose) header = (header != null ? header + "\n" : "") + DtSpelling.Verbose(udt);
        if (udt.IsIncomplete) throw new CommandException($"dt: {udt.Name} is only declared (a forward reference) in {module}'s symbols");

        var values = address == null ? null : new DtValueFormatter(s.Memory, s.PointerSize, s.SymbolTable.FormatAddress);
        var builder = new DtLayoutBuilder(values, arrays);
        builder.Emit(udt, address, 0, recurse, filters.Count > 0 ? filters : null);
        if (filters.Count > 0 && builder.Lines.Count == 0)
            throw new CommandException($"dt: {udt.Name} has no member matching {string.Join(", ", filters)}");
        return new DtResult(header, builder.Lines, builder.Notes);
    }

    private static (string Module, DbgType Type)? FindType(DebugSession s, string name)
    {
        if (SymbolWildcard.IsPattern(name)) return null;
        var hit = s.SymbolTable.FindType(name);
        return hit == null ? null : (hit.Value.Module.Name, hit.Value.Type);
    }

    private static (string Module, DbgType Type, ulong Address)? TypedSymbol(DebugSession s, string name)
    {
        int bang = name.IndexOf('!');
        var modules = bang >= 0 ? s.SymbolTable.Find(name[..bang]) is { } one ? [one] : [] : s.SymbolTable.Modules;
        string symbol = bang >= 0 ? name[(bang + 1)..] : name;
        foreach (var m in modules)
        {
            var source = s.SymbolTable.EnsureLoaded(m);
            foreach (var hit in source?.FindByName(symbol) ?? [])
                if (source!.TypeOf(hit) is { } type and not FunctionType)
                    return (m.Name, type, m.Module.Base + hit.Rva);
        }
        return null;
    }

    private static DtResult ListTypes(DebugSession s, string pattern)
    {
        int bang = pattern.IndexOf('!');
        string modulePattern = bang >= 0 ? pattern[..bang] : "*";
        string typePattern = bang >= 0 ? pattern[(bang + 1)..] : pattern;
        var names = new List<string>();
        foreach (var m in s.SymbolTable.Modules)
        {
            if (!SymbolWildcard.Matches(modulePattern, m.Name)) continue;
            if (bang < 0 && m.Status != Ntdbg.Symbols.Loading.SymbolStatus.Loaded) continue;
            var types = s.SymbolTable.EnsureLoaded(m)?.Types;
            if (types == null) continue;
            names.AddRange(types.MatchTypes(typePattern).Select(t => $"{m.Name}!{t.Name}"));
        }
        return new DtResult(null, [], [], names);
    }

    private static bool IsFieldPath(UdtType u, string path)
    {
        string head = path.Split('.')[0];
        return head.Length > 0 && u.Fields.Any(f => f.Name.StartsWith(head, StringComparison.OrdinalIgnoreCase)
            || (head == "__BaseClass" && f.FieldKind == UdtFieldKind.BaseClass) || (head == "__VFN_table" && f.FieldKind == UdtFieldKind.VTablePointer));
    }

    private static bool TryEvaluate(CommandContext context, string text, out ulong value)
    {
        try
        {
            value = context.Session.CreateEvaluator().Evaluate(text);
            return true;
        }
        catch (Language.ExpressionException)
        {
            value = 0;
            return false;
        }
    }

    // Words split on spaces; an expression like "0xfffff880`05906040-30" stays one word.
    private static List<string> Tokens(string text) => [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
}
