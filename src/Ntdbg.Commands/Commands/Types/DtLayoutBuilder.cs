using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Types;

/// <summary>
/// Walks a UDT into `dt` lines: member spellings without an address, values with one; -r expands
/// embedded structures (capped), -b expands arrays, field paths ("PendingQueue.",
/// "IoQueue.DeviceQueue.") select and expand members the way WinDbg does.
/// </summary>
public sealed class DtLayoutBuilder(DtValueFormatter? values, bool expandArrays)
{
    public const int MaxRecursion = 8;
    private const int MaxLines = 20_000;
    private const int MaxArrayElements = 256;

    private readonly List<DtLine> _lines = [];
    private readonly List<string> _notes = [];

    public IReadOnlyList<DtLine> Lines => _lines;
    public IReadOnlyList<string> Notes => _notes;

    /// <param name="filters">Field paths ("A.B", "A." to expand A); a member matches a path segment by prefix, as in WinDbg.</param>
    public void Emit(UdtType udt, ulong? address, int depth, int recurse, IReadOnlyList<string>? filters)
    {
        if (depth > MaxRecursion + 8) return;
        foreach (var field in udt.Fields)
        {
            if (_lines.Count >= MaxLines) return;
            if (field.FieldKind == UdtFieldKind.Static) continue;
            string name = field.FieldKind switch
            {
                UdtFieldKind.BaseClass => "__BaseClass",
                UdtFieldKind.VTablePointer => "__VFN_table",
                _ => field.Name,
            };
            ulong? at = address + field.Offset;

            if (filters != null)
            {
                var next = new List<string>();
                bool matched = false, expand = false;
                foreach (var path in filters)
                {
                    int dot = path.IndexOf('.');
                    string head = dot < 0 ? path : path[..dot];
                    bool hit = dot < 0 ? name.StartsWith(head, StringComparison.OrdinalIgnoreCase) : name.Equals(head, StringComparison.OrdinalIgnoreCase);
                    if (!hit) continue;
                    matched = true;
                    if (dot >= 0)
                    {
                        string rest = path[(dot + 1)..];
                        if (rest.Length == 0) expand = true;
                        else next.Add(rest);
                    }
                }
                if (!matched) continue;
                if ((expand || next.Count > 0) && Strip(field.Type) is UdtType inner)
                {
                    _lines.Add(new DtLine(depth, field.Offset, name, ""));
                    Emit(inner, at, depth + 1, expand ? Math.Max(recurse, 0) : recurse, expand ? null : next);
                    continue;
                }
            }

            _lines.Add(new DtLine(depth, field.Offset, name, Describe(field, at)));
            if (recurse > 0 && Strip(field.Type) is UdtType sub && !field.IsBitfield)
                Emit(sub, at, depth + 1, recurse - 1, null);
            else if (expandArrays && at is ulong arrayAt && field.Type is ArrayType array && array.Element.Size > 0)
                EmitArray(array, arrayAt, depth + 1, recurse);
        }
    }

    private void EmitArray(ArrayType array, ulong address, int depth, int recurse)
    {
        ulong count = Math.Min(array.Count, MaxArrayElements);
        for (ulong i = 0; i < count && _lines.Count < MaxLines; i++)
        {
            ulong at = address + i * array.Element.Size;
            _lines.Add(new DtLine(depth, i * array.Element.Size, $"[{i:d2}]", Value(array.Element, at, null)));
            if (recurse > 0 && Strip(array.Element) is UdtType sub) Emit(sub, at, depth + 1, recurse - 1, null);
        }
    }

    private string Describe(UdtField field, ulong? at)
    {
        if (at is not ulong address || values == null)
            return field.IsBitfield ? DtSpelling.Bitfield(field) : DtSpelling.Of(field.Type);
        return Value(field.Type, address, field);
    }

    private string Value(DbgType type, ulong address, UdtField? field)
    {
        string text = values!.Format(type, address, field, out var fault);
        if (fault != null && _notes.Count < 4)
        {
            string note = $"Memory read error {Hex.Address(fault.Address)}: {fault.Detail}";
            if (!_notes.Contains(note)) _notes.Add(note);
        }
        return text;
    }

    private static DbgType Strip(DbgType t) => t;
}
