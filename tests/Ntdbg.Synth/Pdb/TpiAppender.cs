using System.Buffers.Binary;
using System.Text;

namespace Ntdbg.Synth.Pdb;

/// <summary>
/// Appends hand-built CodeView type records to a TPI stream (header: first index at 8, end index
/// at 12, record bytes at 16). Records are given as leaf + body; lengths and the 4-byte padding
/// (0xF3 0xF2 0xF1) are added here.
/// </summary>
public sealed class TpiAppender
{
    private readonly List<byte> _records = [];
    private readonly byte[] _original;

    public TpiAppender(byte[] tpi)
    {
        _original = tpi;
        NextIndex = BinaryPrimitives.ReadUInt32LittleEndian(tpi.AsSpan(12));
    }

    public uint NextIndex { get; private set; }

    public uint Add(ushort leaf, byte[] body)
    {
        var rec = new List<byte>();
        rec.AddRange(BitConverter.GetBytes(leaf));
        rec.AddRange(body);
        int pad = (4 - (rec.Count + 2) % 4) % 4;
        for (int i = pad; i > 0; i--) rec.Add((byte)(0xF0 + i));
        _records.AddRange(BitConverter.GetBytes((ushort)rec.Count));
        _records.AddRange(rec);
        return NextIndex++;
    }

    public byte[] Build()
    {
        var tpi = new byte[_original.Length + _records.Count];
        _original.CopyTo(tpi, 0);
        uint header = BinaryPrimitives.ReadUInt32LittleEndian(_original.AsSpan(4));
        uint bytes = BinaryPrimitives.ReadUInt32LittleEndian(_original.AsSpan(16));
        // Records go right after the existing ones; anything after them in the stream is moved along.
        int insertAt = (int)(header + bytes);
        Array.Copy(_original, insertAt, tpi, insertAt + _records.Count, _original.Length - insertAt);
        _records.CopyTo(tpi, insertAt);
        BinaryPrimitives.WriteUInt32LittleEndian(tpi.AsSpan(12), NextIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(tpi.AsSpan(16), bytes + (uint)_records.Count);
        return tpi;
    }

    /// <summary>TPI hash stream index (header offset 20), 0xFFFF when none.</summary>
    public ushort HashStream => BinaryPrimitives.ReadUInt16LittleEndian(_original.AsSpan(20));

    /// <summary>
    /// The hash stream with one (bucket 0) hash value per appended record, since readers check
    /// that the hash values match the record count; offsets of the buffers after it (header at
    /// 40 and 48) are moved along. Call after <see cref="Build"/> and pass the new TPI too.
    /// </summary>
    public byte[] BuildHash(byte[] hash, byte[] newTpi)
    {
        int added = (int)(NextIndex - BinaryPrimitives.ReadUInt32LittleEndian(_original.AsSpan(12)));
        uint valuesAt = BinaryPrimitives.ReadUInt32LittleEndian(_original.AsSpan(32));
        uint valuesLength = BinaryPrimitives.ReadUInt32LittleEndian(_original.AsSpan(36));
        int insertAt = (int)(valuesAt + valuesLength);
        var result = new byte[hash.Length + added * 4];
        Array.Copy(hash, 0, result, 0, insertAt);
        Array.Copy(hash, insertAt, result, insertAt + added * 4, hash.Length - insertAt);
        BinaryPrimitives.WriteUInt32LittleEndian(newTpi.AsSpan(36), valuesLength + (uint)added * 4);
        foreach (int field in new[] { 40, 48 })
        {
            uint at = BinaryPrimitives.ReadUInt32LittleEndian(_original.AsSpan(field));
            if (at >= insertAt) BinaryPrimitives.WriteUInt32LittleEndian(newTpi.AsSpan(field), at + (uint)added * 4);
        }
        return result;
    }

    /// <summary>Body writer helpers for the common leaves.</summary>
    public static byte[] Member(ushort attrs, uint type, ushort offset, string name) =>
        [.. BitConverter.GetBytes((ushort)0x150d), .. BitConverter.GetBytes(attrs), .. BitConverter.GetBytes(type),
         .. BitConverter.GetBytes(offset), .. Encoding.UTF8.GetBytes(name), 0];

    public static byte[] Index(uint next) =>
        [.. BitConverter.GetBytes((ushort)0x1404), 0, 0, .. BitConverter.GetBytes(next)];

    public static byte[] Bitfield(uint type, byte length, byte position) =>
        [.. BitConverter.GetBytes(type), length, position];

    /// <summary>LF_STRUCTURE body: count, properties, field list, derived, vshape, size (numeric leaf), name.</summary>
    public static byte[] Structure(ushort count, ushort props, uint fieldList, ushort size, string name) =>
        [.. BitConverter.GetBytes(count), .. BitConverter.GetBytes(props), .. BitConverter.GetBytes(fieldList),
         0, 0, 0, 0, 0, 0, 0, 0, .. BitConverter.GetBytes(size), .. Encoding.UTF8.GetBytes(name), 0];
}
