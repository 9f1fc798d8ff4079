using Ntdbg.Core.Errors;
using Ntdbg.Formats.Pdb;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Symbols.Pdb;

/// <summary>
/// A PDB's function frames: for the procedure that contains an RVA, its parameters and locals
/// read from the records between its S_*PROC32 and its S_END. Nested S_BLOCK32 scopes give
/// their locals a narrower scope; the variables of inlined call sites (S_INLINESITE) belong to
/// the inlinee and are left out. Not thread-safe: the caller holds the source's lock.
/// </summary>
public sealed class PdbFrameReader(PdbFile pdb, Func<uint, DbgType?> resolveType)
{
    private const ushort S_THUNK32 = 0x1102;
    private const ushort S_WITH32 = 0x1104;
    private const ushort S_SEPCODE = 0x1132;
    private const ushort S_INLINESITE = 0x114D;
    private const ushort S_INLINESITE_END = 0x114E;
    private const ushort S_PROC_ID_END = 0x114F;
    private const ushort S_INLINESITE2 = 0x115D;

    private readonly bool _x64 = pdb.Dbi.Machine == 0x8664;
    private List<(uint Rva, uint Length, int Module, int Index)>? _procedures;
    private readonly Dictionary<(int, int), FunctionFrame?> _frames = [];

    public FunctionFrame? FrameAt(uint rva)
    {
        var procs = _procedures ??= Procedures();
        int lo = 0, hi = procs.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) / 2;
            if (procs[mid].Rva <= rva) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        // Walk back over procedures that start at or before rva: the first whose code holds rva wins.
        for (int i = found; i >= 0 && i > found - 8; i--)
        {
            var p = procs[i];
            if (rva - p.Rva >= p.Length) continue;
            if (!_frames.TryGetValue((p.Module, p.Index), out var frame))
                _frames[(p.Module, p.Index)] = frame = Read(p.Module, p.Index, p.Rva, p.Length);
            return frame;
        }
        return null;
    }

    private List<(uint, uint, int, int)> Procedures()
    {
        var list = new List<(uint Rva, uint Length, int Module, int Index)>();
        for (int m = 0; m < pdb.Modules.Count; m++)
        {
            IReadOnlyList<PdbSymbol> records;
            try { records = pdb.Modules[m].Symbols; }
            catch (DumpFormatException) { continue; }
            for (int i = 0; i < records.Count; i++)
            {
                var s = records[i];
                if (SymbolKind.IsProcedure(s.Kind) && s.Length > 0 && pdb.SectionRvaOf(s.Section, s.Offset) is uint rva)
                    list.Add((rva, s.Length, m, i));
            }
        }
        list.Sort((a, b) => a.Rva.CompareTo(b.Rva));
        return list;
    }

    private sealed class Pending(string name, uint type, bool? isParameter, uint scopeRva, uint scopeLength)
    {
        public string Name = name;
        public uint Type = type;
        public bool? IsParameter = isParameter;
        public uint ScopeRva = scopeRva, ScopeLength = scopeLength;
        public bool TopLevel;
        public List<VariableLocation> Locations = [];
    }

    private FunctionFrame Read(int module, int index, uint rva, uint length)
    {
        var records = pdb.Modules[module].Symbols;
        var proc = records[index];
        var scopes = new Stack<(bool Foreign, uint Rva, uint Length)>();
        scopes.Push((false, rva, length));
        // MSVC can put S_FRAMEPROC after the first variables' ranges: find it before resolving them.
        FrameProcRecord? frameProc = null;
        for (int i = index + 1; i < records.Count && records[i].RecordOffset < proc.End; i++)
            if (records[i].Frame is FrameProcRecord f) { frameProc = f; break; }
        var vars = new List<Pending>();
        Pending? local = null;
        for (int i = index + 1; i < records.Count; i++)
        {
            var s = records[i];
            var scope = scopes.Peek();
            if (s.Kind is SymbolKind.S_END or S_PROC_ID_END or S_INLINESITE_END)
            {
                scopes.Pop();
                if (scopes.Count == 0) break;
                local = null;
                continue;
            }
            if (s.Kind == SymbolKind.S_BLOCK32 && s.Frame is BlockRecord b)
            {
                uint blockRva = pdb.SectionRvaOf(b.Section, b.Offset) ?? scope.Rva;
                scopes.Push((scope.Foreign, blockRva, b.Length));
                continue;
            }
            if (SymbolKind.IsProcedure(s.Kind) || s.Kind is S_INLINESITE or S_INLINESITE2 or S_THUNK32 or S_WITH32 or S_SEPCODE)
            {
                // Another body's scope: its variables are not this function's.
                scopes.Push((true, scope.Rva, scope.Length));
                continue;
            }
            if (scope.Foreign) continue;
            bool top = scopes.Count == 1;
            switch (s.Frame)
            {
                case RegisterVariableRecord v:
                    {
                        local = null;
                        // MSVC repeats variables it already described with S_LOCAL as S_REGREL32
                        // records at the end of the function (for its exception funclets): one
                        // variable, the whole-scope location as the fallback.
                        var p = vars.FirstOrDefault(x => x.Name == s.Name && x.ScopeRva == scope.Rva && x.ScopeLength == scope.Length);
                        if (p == null)
                        {
                            p = new Pending(s.Name, v.Type, null, scope.Rva, scope.Length) { TopLevel = top };
                            vars.Add(p);
                        }
                        ushort reg = s.Kind == SymbolKind.S_BPREL32 ? (ushort)(_x64 ? 334 : 22) : v.Register;
                        if (Location(v.InRegister ? VariableLocationKind.Register : VariableLocationKind.RegisterRelative, reg, v.Offset, 0, 0, []) is { } l)
                            p.Locations.Add(l);
                        break;
                    }
                case LocalRecord l:
                    // MSVC describes one variable's live ranges in several S_LOCAL records of one scope.
                    local = vars.FirstOrDefault(x => x.Name == s.Name && x.ScopeRva == scope.Rva && x.ScopeLength == scope.Length);
                    if (local == null)
                    {
                        local = new Pending(s.Name, l.Type, l.IsParameter, scope.Rva, scope.Length) { TopLevel = top };
                        vars.Add(local);
                    }
                    break;
                case DefRangeRecord d when local != null:
                    if (DefRangeLocation(d, local.IsParameter == true, frameProc) is { } at) local.Locations.Add(at);
                    break;
            }
        }
        MarkParameters(vars, proc);
        var variables = vars.Select(p => new FrameVariable(p.Name, p.Type == 0 ? null : resolveType(p.Type), p.IsParameter == true,
            p.ScopeRva, p.ScopeLength, p.Locations)).ToList();
        return new FunctionFrame(proc.Name, rva, length, variables);
    }

    // S_REGREL32/S_BPREL32/S_REGISTER carry no parameter flag: MSVC lists the parameters first,
    // in order, at the function's top level, so the signature's count (and `this`) says which.
    private void MarkParameters(List<Pending> vars, PdbSymbol proc)
    {
        if (vars.All(v => v.IsParameter != null)) return;
        int count = 0;
        if (proc.TypeIndex != 0 && resolveType(proc.TypeIndex) is FunctionType f)
            count = f.Parameters.Count(t => t is not PrimitiveType { Primitive: PrimitiveKind.Void } && t.Name != "...");
        var top = vars.Where(v => v.IsParameter == null && v.TopLevel).ToList();
        if (top.Count > 0 && top[0].Name == "this") count++;
        foreach (var v in vars) v.IsParameter ??= false;
        for (int i = 0; i < Math.Min(count, top.Count); i++) top[i].IsParameter = true;
    }

    private VariableLocation? DefRangeLocation(DefRangeRecord d, bool isParameter, FrameProcRecord? frameProc)
    {
        var gaps = d.Gaps.Select(g => ((uint)g.Start, (uint)g.Length)).ToList();
        uint start = d.IsFullScope ? 0u : pdb.SectionRvaOf(d.RangeSection, d.RangeOffset) ?? 0u;
        uint length = d.IsFullScope ? 0u : d.RangeLength;
        if (!d.IsFullScope && (start == 0 || length == 0)) return null;
        switch (d.Kind)
        {
            case SymbolKind.S_DEFRANGE_FRAMEPOINTER_REL:
            case SymbolKind.S_DEFRANGE_FRAMEPOINTER_REL_FULL_SCOPE:
                {
                    // Relative to the frame's base register: S_FRAMEPROC's choice for parameters or locals.
                    var encoded = frameProc == null ? FrameBase.None : isParameter ? frameProc.ParamBase : frameProc.LocalBase;
                    ushort reg = CodeViewRegisters.FrameBaseRegister(encoded, _x64);
                    return reg == 0 ? null : Location(VariableLocationKind.RegisterRelative, reg, d.Offset, start, length, gaps);
                }
            case SymbolKind.S_DEFRANGE_REGISTER:
                return Location(VariableLocationKind.Register, d.Register, 0, start, length, gaps);
            case SymbolKind.S_DEFRANGE_REGISTER_REL when d.OffsetInParent == 0 && (d.Flags & 1) == 0:
                return Location(VariableLocationKind.RegisterRelative, d.Register, d.Offset, start, length, gaps);
            default:
                // A piece of the variable (a sub-field in a register, a spilled member): the
                // whole value is not in one place.
                return null;
        }
    }

    private VariableLocation? Location(VariableLocationKind kind, ushort reg, long offset, uint start, uint length, List<(uint, uint)> gaps)
    {
        if (reg == CodeViewRegisters.VFrame)
            return new VariableLocation(kind, VariableLocation.VirtualFrame, offset, start, length, gaps);
        if (CodeViewRegisters.Container(reg, _x64) is not var (name, shift)) return null;
        int size = CodeViewRegisters.Size(reg);
        bool whole = shift == 0 && (size == 0 || size == (_x64 ? 8 : 4) || name == CodeViewRegisters.Name(reg));
        return new VariableLocation(kind, name, offset, start, length, gaps, shift / 8, whole ? 0 : size);
    }
}
