using System.Text;
using Ntdbg.Commands.Commands.Symbols;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;
using Ntdbg.Stacks.Unwind;
using Ntdbg.Symbols.Model;

namespace Ntdbg.Commands.Commands.Stacks;

/// <summary>
/// One parameter or local of a frame with its value as `kp` and `dv` print it. Where is the
/// address it was read from ("0019ff2c") or its register ("@ecx"); null when it is not available
/// at the frame's address, or its base register is not known at that frame (then Value is
/// <see cref="FrameVariables.Unavailable"/>).
/// </summary>
public sealed record VariableValue(string Name, string TypeName, bool IsParameter, string Value, string? Where);

/// <summary>A frame's function, as the symbols describe it, and its variables' values.</summary>
public sealed record FrameVariableList(string Function, IReadOnlyList<VariableValue> Variables);

/// <summary>
/// Reads a frame's parameters and locals from the symbol file's function frame
/// (<see cref="ISymbolSource.FrameAt"/>): a register value comes from the registers the walk
/// trusts at that frame, a value in memory from its register plus offset. A register the walk
/// did not restore at that frame makes the value unavailable rather than a guess.
/// </summary>
public static class FrameVariables
{
    public const string Unavailable = "<value unavailable>";
    private const int MaxString = 256;

    /// <summary>The frame's function and its variables in scope; null when its module has no frame information (no private symbols).</summary>
    public static FrameVariableList? Read(DebugSession s, IReadOnlyList<StackFrame> frames, int index, bool parametersOnly)
    {
        var frame = frames[index];
        // A caller's instruction pointer is its return address, which can lie past the call's
        // scope (or the function's end): look up the call instruction itself. A frame whose
        // registers came from a context record (trap or exception) was interrupted at its address.
        bool interrupted = index == 0 || frame.Source is FrameSource.MachineFrame or FrameSource.ExceptionContext;
        ulong code = interrupted ? frame.InstructionPointer : frame.InstructionPointer - 1;
        var module = s.SymbolTable.FindByAddress(code);
        if (module == null || s.SymbolTable.EnsureLoaded(module) is not { } source) return null;
        ulong offset = code - module.Module.Base;
        if (offset > uint.MaxValue || source.FrameAt((uint)offset) is not { } function) return null;
        uint rva = (uint)offset;
        var values = new List<VariableValue>();
        foreach (var v in parametersOnly ? function.Parameters : function.InScopeAt(rva))
            values.Add(ValueOf(s, frames, index, v, rva));
        return new FrameVariableList(function.Name, values);
    }

    private static VariableValue ValueOf(DebugSession s, IReadOnlyList<StackFrame> frames, int index, FrameVariable v, uint rva)
    {
        string typeName = v.Type != null ? CTypeName.Of(v.Type) : "<no type>";
        var location = v.LocationAt(rva);
        if (v.Type == null || location == null || Register(s, frames, index, location.Register) is not ulong reg)
            return new VariableValue(v.Name, typeName, v.IsParameter, Unavailable, null);
        if (location.Kind == VariableLocationKind.Register)
        {
            ulong bits = reg >> (8 * location.Shift);
            if (location.Size is > 0 and < 8) bits &= (1UL << (8 * location.Size)) - 1;
            string value = SymbolValueText.FromBits(v.Type, bits) ?? Unavailable;
            if (v.Type is PointerType p && StringAt(s, p.Target, bits) is { } text) value += " " + text;
            return new VariableValue(v.Name, typeName, v.IsParameter, value, "@" + location.Register);
        }
        ulong address = reg + (ulong)location.Offset;
        if (s.PointerSize == 4) address &= 0xFFFFFFFF;
        string shown = SymbolValueText.Format(s, v.Type, address);
        if (v.Type is PointerType pt && s.Memory.TryReadPointer(address, pt.PointerSize, out ulong target, out _)
            && StringAt(s, pt.Target, target) is { } str)
            shown += " " + str;
        else if (v.Type is ArrayType a && StringAt(s, a.Element, address) is { } inline)
            shown += " " + inline;
        return new VariableValue(v.Name, typeName, v.IsParameter, shown, Hex.Pointer(address, s.PointerSize));
    }

    // The frame's value of a register the walk trusts there. x86's virtual frame is the $T0 the
    // frame's program computed; without one it is where the return address is stored (the
    // programs' "$T0 .raSearch ="), just below the caller's stack pointer.
    private static ulong? Register(DebugSession s, IReadOnlyList<StackFrame> frames, int index, string name)
    {
        if (name == VariableLocation.VirtualFrame)
            return frames[index].VirtualFrame ?? (index + 1 < frames.Count ? frames[index + 1].StackPointer - 4 : null);
        foreach (var (key, value) in frames[index].Registers)
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) return value;
        return null;
    }

    // A char/wchar_t string at the address, quoted as WinDbg shows it after a pointer or array; null for other types or unreadable memory.
    private static string? StringAt(DebugSession s, DbgType element, ulong address)
    {
        if (element is not PrimitiveType p || address == 0) return null;
        int width = p.Primitive switch
        {
            PrimitiveKind.Char or PrimitiveKind.UChar => 1,
            PrimitiveKind.WChar or PrimitiveKind.Char16 => 2,
            _ => 0,
        };
        if (width == 0 || (int)p.Size != width) return null;
        var buffer = new byte[MaxString * width];
        int got = s.Memory.Read(address, buffer, out _);
        if (got < width) return null;
        var text = new StringBuilder();
        for (int i = 0; i + width <= got; i += width)
        {
            int c = width == 1 ? buffer[i] : buffer[i] | buffer[i + 1] << 8;
            if (c == 0) break;
            text.Append(c is >= 0x20 and < 0x7f ? (char)c : '.');
        }
        return (width == 2 ? "L\"" : "\"") + text + "\"";
    }
}
