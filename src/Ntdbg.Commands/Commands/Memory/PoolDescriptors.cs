using Ntdbg.Commands.Commands.Kernel;

namespace Ntdbg.Commands.Commands.Memory;

/// <summary>
/// The pool descriptors of Windows 7 and 8.1: nt!ExpPagedPoolDescriptor and
/// nt!ExpNonPagedPoolDescriptor are arrays of pointers to _POOL_DESCRIPTOR, whose pages in use
/// are TotalPages + TotalBigPages. Paged pools number nt!ExpNumberOfPagedPools + 1 (pool 0 and
/// the others). Later kernels dropped those fields (usage moved to nt!MiState).
/// </summary>
internal sealed class PoolDescriptors(VmCounterReader reader)
{
    private const ulong MaxPools = 64;

    public bool Usable => reader.Type("_POOL_DESCRIPTOR") is { } t && KernelFields.Has(t, "TotalPages") && KernelFields.Has(t, "TotalBigPages");

    /// <summary>One counter per paged pool, labelled with the pool's index.</summary>
    public List<VmCounter> Each(string labelFormat, string arraySymbol, string countSymbol, List<string> notes)
    {
        var result = new List<VmCounter>();
        if (reader.Resolve(arraySymbol) is not ulong array || reader.Resolve(countSymbol) is not ulong countAt) return result;
        if (reader.ReadNumber(countAt, 4, "nt!" + countSymbol, out string? problem) is not ulong count)
        {
            notes.Add(problem!);
            return result;
        }
        if (count + 1 > MaxPools) notes.Add($"nt!{countSymbol} is {count}: showing the first {MaxPools} pools");
        for (ulong i = 0; i < Math.Min(count + 1, MaxPools); i++)
            result.Add(Pool(string.Format(System.Globalization.CultureInfo.InvariantCulture, labelFormat, i), array, i, arraySymbol));
        return result;
    }

    /// <summary>The sum over the first <paramref name="extra"/> + count descriptors (non-paged pools: one per node, count from the symbol).</summary>
    public VmCounter Sum(string label, string arraySymbol, string countSymbol, int extra, List<string> notes)
    {
        if (reader.Resolve(arraySymbol) is not ulong array || reader.Resolve(countSymbol) is not ulong countAt)
            return new VmCounter(label, null, null, $"this kernel's symbols have no nt!{arraySymbol}/nt!{countSymbol}");
        if (reader.ReadNumber(countAt, 4, "nt!" + countSymbol, out string? problem) is not ulong count) return new VmCounter(label, null, null, problem);
        ulong total = 0;
        for (ulong i = 0; i < Math.Min(count + (ulong)extra, MaxPools); i++)
        {
            var one = Pool(label, array, i, arraySymbol);
            if (one.Pages is not ulong p) return one;
            total += p;
        }
        return new VmCounter(label, total, $"sum of nt!{arraySymbol}[0..{count + (ulong)extra}]", null);
    }

    private VmCounter Pool(string label, ulong array, ulong index, string arraySymbol)
    {
        string source = $"nt!{arraySymbol}[{index}]";
        if (reader.ReadPointer(array + index * (ulong)reader.PointerSize, source, out string? problem) is not ulong descriptor) return new VmCounter(label, null, source, problem);
        var notes = new List<string>();
        var f = reader.Fields(notes);
        var type = reader.Type("_POOL_DESCRIPTOR");
        ulong? pages = f.Read(type, descriptor, "TotalPages"), big = f.Read(type, descriptor, "TotalBigPages");
        return pages is ulong a && big is ulong b ? new VmCounter(label, a + b, source, null) : new VmCounter(label, null, source, notes.LastOrDefault());
    }
}
