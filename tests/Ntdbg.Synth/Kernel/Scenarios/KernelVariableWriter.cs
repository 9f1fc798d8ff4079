using System.Buffers.Binary;

namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// Writes kernel variables and structure fields at the addresses the build's ISF table gives
/// (kernel base + symbol RVA + field offset), at the field's own width, mapping the pages they
/// fall on when nothing mapped them yet. Also hands out scratch memory for objects the variables
/// point at (pool descriptors, session spaces, paging files, processor blocks).
/// </summary>
public sealed class KernelVariableWriter(KernelScenario scenario, ulong scratchVa)
{
    private ulong _nextScratch = scratchVa;

    public IsfLayout Layout => scenario.Layout;

    /// <summary>The address of a kernel variable, or null when this build has no such symbol.</summary>
    public ulong? Symbol(string symbol) => Layout.HasSymbol(symbol) ? KernelScenario.KernelBase + Layout.Rva(symbol) : null;

    /// <summary>Whether this build has the symbol and (when given) the field of the type stored there.</summary>
    public bool Has(string symbol, string? type = null, string? path = null) =>
        Layout.HasSymbol(symbol) && (type == null || Layout.HasType(type) && Layout.HasField(type, path!));

    /// <summary>Fresh zeroed, mapped memory for an object of <paramref name="bytes"/> bytes (page aligned).</summary>
    public ulong Allocate(ulong bytes)
    {
        ulong va = _nextScratch;
        int pages = (int)((bytes + 0xfff) / 0x1000);
        scenario.Tables.AllocateAndMap(va, pages);
        _nextScratch += (ulong)pages * 0x1000;
        return va;
    }

    /// <summary>Maps the pages of [va, va + length) that are not mapped yet.</summary>
    public void EnsureMapped(ulong va, ulong length) =>
        scenario.Tables.EnsureMapped(va, (int)(((va + Math.Max(length, 1) - 1) >> 12) - (va >> 12) + 1));

    /// <summary>A value of <paramref name="size"/> bytes at a virtual address.</summary>
    public void Write(ulong va, ulong value, int size)
    {
        EnsureMapped(va, (ulong)size);
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        scenario.Tables.WriteVirtual(va, bytes.AsSpan(0, size));
    }

    /// <summary>A field of an object of the given type at <paramref name="objectVa"/>, at the field's width.</summary>
    public void WriteField(ulong objectVa, string type, string path, ulong value) =>
        Write(objectVa + Layout.OffsetOf(type, path), value, Layout.FieldSize(type, path));

    /// <summary>A global variable (size bytes), or a field of the structure that is the global.</summary>
    public void WriteVariable(string symbol, string? type, string? path, ulong value, int size = 8)
    {
        ulong at = Symbol(symbol) ?? throw new KeyNotFoundException($"{Layout.Path}: no symbol {symbol}");
        if (type == null) Write(at, value, size);
        else WriteField(at, type, path!, value);
    }

    /// <summary>A UNICODE_STRING field pointing at a fresh copy of <paramref name="text"/>.</summary>
    public void WriteUnicodeString(ulong fieldVa, string text)
    {
        var chars = System.Text.Encoding.Unicode.GetBytes(text);
        ulong buffer = Allocate((ulong)chars.Length + 2);
        scenario.Tables.WriteVirtual(buffer, chars);
        Write(fieldVa, (ulong)chars.Length, 2);
        Write(fieldVa + 2, (ulong)chars.Length + 2, 2);
        Write(fieldVa + 8, buffer, 8);
    }
}
