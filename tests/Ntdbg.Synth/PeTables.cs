using System.Text;

namespace Ntdbg.Synth;

/// <summary>
/// Builders for the PE tables that point into their own section: import, export, debug (CodeView)
/// and .pdata. Each returns the section bytes and where its directory lies, given the section RVA.
/// </summary>
public static class PeTables
{
    /// <summary>One import: a name (with hint) or an ordinal.</summary>
    public readonly record struct Import(string? Name, ushort HintOrOrdinal);

    public sealed record Table(byte[] Data, uint DirectoryRva, uint DirectorySize, uint IatRva = 0, uint IatSize = 0);

    /// <summary>
    /// Layout: descriptors (+terminator), then per DLL its lookup table and its IAT (identical
    /// copies, as on disk), then hint/name entries and DLL names.
    /// </summary>
    public static Table Imports(uint rva, bool is64, IReadOnlyList<(string Dll, Import[] Functions)> dlls)
    {
        int ptr = is64 ? 8 : 4;
        int descriptors = (dlls.Count + 1) * 20;
        int cursor = descriptors;
        var iltAt = new int[dlls.Count];
        for (int i = 0; i < dlls.Count; i++) { iltAt[i] = cursor; cursor += (dlls[i].Functions.Length + 1) * ptr; }
        int iatStart = cursor;
        var iatAt = new int[dlls.Count];
        for (int i = 0; i < dlls.Count; i++) { iatAt[i] = cursor; cursor += (dlls[i].Functions.Length + 1) * ptr; }
        int iatEnd = cursor;
        var strings = new List<byte>();
        var hintNameAt = new List<int[]>();
        var dllNameAt = new int[dlls.Count];
        for (int i = 0; i < dlls.Count; i++)
        {
            var offs = new int[dlls[i].Functions.Length];
            for (int k = 0; k < offs.Length; k++)
            {
                var fn = dlls[i].Functions[k];
                if (fn.Name == null) { offs[k] = -1; continue; }
                if ((cursor + strings.Count) % 2 != 0) strings.Add(0);
                offs[k] = cursor + strings.Count;
                strings.Add((byte)fn.HintOrOrdinal);
                strings.Add((byte)(fn.HintOrOrdinal >> 8));
                strings.AddRange(Encoding.ASCII.GetBytes(fn.Name));
                strings.Add(0);
            }
            hintNameAt.Add(offs);
            dllNameAt[i] = cursor + strings.Count;
            strings.AddRange(Encoding.ASCII.GetBytes(dlls[i].Dll));
            strings.Add(0);
        }
        var data = new byte[cursor + strings.Count];
        strings.CopyTo(data, cursor);
        for (int i = 0; i < dlls.Count; i++)
        {
            int d = i * 20;
            PeBuilder.W32(data, d + 0, rva + (uint)iltAt[i]);
            PeBuilder.W32(data, d + 12, rva + (uint)dllNameAt[i]);
            PeBuilder.W32(data, d + 16, rva + (uint)iatAt[i]);
            for (int k = 0; k < dlls[i].Functions.Length; k++)
            {
                var fn = dlls[i].Functions[k];
                ulong thunk = fn.Name == null
                    ? (is64 ? 1UL << 63 : 1UL << 31) | fn.HintOrOrdinal
                    : rva + (uint)hintNameAt[i][k];
                foreach (int table in new[] { iltAt[i], iatAt[i] })
                {
                    if (is64) PeBuilder.W64(data, table + k * 8, thunk);
                    else PeBuilder.W32(data, table + k * 4, (uint)thunk);
                }
            }
        }
        return new Table(data, rva, (uint)descriptors, rva + (uint)iatStart, (uint)(iatEnd - iatStart));
    }

    /// <summary>One export slot: ordinal = base + index; a forwarder writes "Dll.Func" inside the directory.</summary>
    public readonly record struct Export(string? Name, uint Rva, string? Forwarder = null);

    public static Table Exports(uint rva, string dllName, uint ordinalBase, IReadOnlyList<Export> slots)
    {
        var named = slots.Select((e, i) => (e.Name, Index: i)).Where(x => x.Name != null)
            .OrderBy(x => x.Name, StringComparer.Ordinal).ToList();
        int eat = 40;
        int names = eat + slots.Count * 4;
        int ords = names + named.Count * 4;
        int cursor = ords + named.Count * 2;
        var strings = new List<byte>();
        int At(string s)
        {
            int at = cursor + strings.Count;
            strings.AddRange(Encoding.ASCII.GetBytes(s));
            strings.Add(0);
            return at;
        }
        int dllAt = At(dllName);
        var nameAt = named.Select(n => At(n.Name!)).ToArray();
        var fwdAt = slots.Select(s => s.Forwarder == null ? -1 : At(s.Forwarder)).ToArray();
        var data = new byte[cursor + strings.Count];
        strings.CopyTo(data, cursor);
        PeBuilder.W32(data, 12, rva + (uint)dllAt);
        PeBuilder.W32(data, 16, ordinalBase);
        PeBuilder.W32(data, 20, (uint)slots.Count);
        PeBuilder.W32(data, 24, (uint)named.Count);
        PeBuilder.W32(data, 28, rva + (uint)eat);
        PeBuilder.W32(data, 32, rva + (uint)names);
        PeBuilder.W32(data, 36, rva + (uint)ords);
        for (int i = 0; i < slots.Count; i++)
            PeBuilder.W32(data, eat + i * 4, fwdAt[i] >= 0 ? rva + (uint)fwdAt[i] : slots[i].Rva);
        for (int i = 0; i < named.Count; i++)
        {
            PeBuilder.W32(data, names + i * 4, rva + (uint)nameAt[i]);
            PeBuilder.W16(data, ords + i * 2, (ushort)named[i].Index);
        }
        return new Table(data, rva, (uint)data.Length);
    }

    /// <summary>A debug directory with one CodeView RSDS entry followed by the record.</summary>
    public static Table DebugRsds(uint rva, uint fileOffsetOfSection, Guid guid, uint age, string pdb, uint timeDateStamp = 0)
    {
        var record = new List<byte>();
        record.AddRange("RSDS"u8.ToArray());
        record.AddRange(guid.ToByteArray());
        record.AddRange(BitConverter.GetBytes(age));
        record.AddRange(Encoding.ASCII.GetBytes(pdb));
        record.Add(0);
        var data = new byte[28 + record.Count];
        PeBuilder.W32(data, 4, timeDateStamp);
        PeBuilder.W32(data, 12, 2);
        PeBuilder.W32(data, 16, (uint)record.Count);
        PeBuilder.W32(data, 20, rva + 28);
        PeBuilder.W32(data, 24, fileOffsetOfSection + 28);
        record.CopyTo(data, 28);
        return new Table(data, rva, 28);
    }

    /// <summary>A debug directory with one CodeView NB10 entry (PDB 2.0: offset 0, timestamp signature, age, path).</summary>
    public static Table DebugNb10(uint rva, uint fileOffsetOfSection, uint signature, uint age, string pdb)
    {
        var record = new List<byte>();
        record.AddRange("NB10"u8.ToArray());
        record.AddRange(BitConverter.GetBytes(0u));
        record.AddRange(BitConverter.GetBytes(signature));
        record.AddRange(BitConverter.GetBytes(age));
        record.AddRange(Encoding.ASCII.GetBytes(pdb));
        record.Add(0);
        var data = new byte[28 + record.Count];
        PeBuilder.W32(data, 4, signature);
        PeBuilder.W32(data, 12, 2);
        PeBuilder.W32(data, 16, (uint)record.Count);
        PeBuilder.W32(data, 20, rva + 28);
        PeBuilder.W32(data, 24, fileOffsetOfSection + 28);
        record.CopyTo(data, 28);
        return new Table(data, rva, 28);
    }

    /// <summary>x64 RUNTIME_FUNCTIONs (begin, end, unwind RVA).</summary>
    public static Table Pdata(uint rva, IReadOnlyList<(uint Begin, uint End, uint Unwind)> functions)
    {
        var data = new byte[functions.Count * 12];
        for (int i = 0; i < functions.Count; i++)
        {
            PeBuilder.W32(data, i * 12, functions[i].Begin);
            PeBuilder.W32(data, i * 12 + 4, functions[i].End);
            PeBuilder.W32(data, i * 12 + 8, functions[i].Unwind);
        }
        return new Table(data, rva, (uint)data.Length);
    }
}
