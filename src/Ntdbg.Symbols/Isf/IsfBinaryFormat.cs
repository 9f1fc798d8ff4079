using System.Security.Cryptography;
using System.Text;
using Ntdbg.Core.Errors;

namespace Ntdbg.Symbols.Isf;

/// <summary>
/// The <see cref="IsfCache"/> entry format: a parsed ISF table as compact binary. Strings are
/// stored once in a table and referenced by index; type descriptors are written as trees.
/// A SHA-256 of the entry closes it; reading checks that digest, then every count and index
/// against <see cref="IsfLimits"/> and the entry's size, so a damaged entry fails with <see cref="InvalidDataException"/> (the cache then re-parses the JSON).
/// Bump <see cref="Version"/> whenever the parsed model or this layout changes.
/// </summary>
internal static class IsfBinaryFormat
{
    public const int Version = 1;
    private static ReadOnlySpan<byte> Magic => "NTDBGISF"u8;
    private const uint EndMark = 0x444E4549; // "IEND"

    public static byte[] Write(IsfDocument doc)
    {
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        int S(string? s)
        {
            if (s == null) return -1;
            if (!strings.TryGetValue(s, out int i)) { i = order.Count; strings.Add(s, i); order.Add(s); }
            return i;
        }
        // The body first (collecting strings), then the string table ahead of it.
        using var body = new MemoryStream();
        using (var w = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            var m = doc.Metadata;
            w.Write(S(m.Format)); w.Write(S(m.ProducerName)); w.Write(S(m.ProducerVersion)); w.Write(S(m.PdbName));
            w.Write(m.PdbGuid.HasValue); if (m.PdbGuid is Guid g) w.Write(g.ToByteArray());
            w.Write(m.PdbAge.HasValue); w.Write(m.PdbAge ?? 0);
            w.Write(m.MachineType.HasValue); w.Write(m.MachineType ?? 0);

            w.Write(doc.BaseTypes.Count);
            foreach (var b in doc.BaseTypes.Values) { w.Write(S(b.Name)); w.Write(b.Size); w.Write(b.Signed); w.Write(S(b.Kind)); w.Write(b.LittleEndian); }

            w.Write(doc.Enums.Count);
            foreach (var e in doc.Enums.Values)
            {
                w.Write(S(e.Name)); w.Write(S(e.BaseTypeName)); w.Write(e.Size); w.Write(e.Constants.Count);
                foreach (var c in e.Constants) { w.Write(S(c.Name)); w.Write(c.Value); }
            }

            w.Write(doc.UserTypes.Count);
            foreach (var u in doc.UserTypes.Values)
            {
                w.Write(S(u.Name)); w.Write((byte)u.Kind); w.Write(u.Size); w.Write(u.Fields.Count);
                foreach (var f in u.Fields) { w.Write(S(f.Name)); w.Write(f.Offset); w.Write(f.Anonymous); WriteType(w, f.Type, S); }
            }

            w.Write(doc.Symbols.Count);
            foreach (var s in doc.Symbols.Values)
            {
                w.Write(S(s.Name)); w.Write(s.Rva); w.Write(S(s.LinkageName));
                w.Write(s.Type != null); if (s.Type != null) WriteType(w, s.Type, S);
            }
            w.Write(EndMark);
        }
        using var output = new MemoryStream((int)body.Length + order.Count * 16 + 64);
        using (var w = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic); w.Write(Version);
            w.Write(order.Count);
            foreach (var s in order) w.Write(s);
            body.Position = 0;
            body.CopyTo(output);
        }
        // A digest of everything before it: a flipped bit anywhere makes the entry a miss, not a wrong table.
        output.Write(SHA256.HashData(output.GetBuffer().AsSpan(0, (int)output.Length)));
        return output.ToArray();
    }

    private static void WriteType(BinaryWriter w, IsfTypeRef t, Func<string?, int> s)
    {
        w.Write((byte)t.Kind); w.Write(s(t.Name));
        switch (t.Kind)
        {
            case IsfTypeKind.Pointer: WriteType(w, t.Subtype!, s); break;
            case IsfTypeKind.Array: w.Write(t.Count); WriteType(w, t.Subtype!, s); break;
            case IsfTypeKind.Bitfield: w.Write(t.BitPosition); w.Write(t.BitLength); WriteType(w, t.Type!, s); break;
        }
    }

    /// <summary>Decodes an entry; <paramref name="name"/> (its path) names it in errors.</summary>
    public static IsfDocument Read(byte[] entry, string name)
    {
        const int DigestSize = 32;
        if (entry.Length < DigestSize || !SHA256.HashData(entry.AsSpan(0, entry.Length - DigestSize)).AsSpan().SequenceEqual(entry.AsSpan(entry.Length - DigestSize)))
            throw new InvalidDataException("ISF cache entry fails its digest");
        try
        {
            return new Reader(entry, entry.Length - DigestSize, name).Document();
        }
        catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException or OverflowException or IndexOutOfRangeException or DecoderFallbackException)
        {
            throw new InvalidDataException($"damaged ISF cache entry: {e.Message}", e);
        }
    }

    private sealed class Reader
    {
        private readonly BinaryReader _r;
        private readonly long _length;
        private string[] _strings = [];
        private readonly Dictionary<(IsfTypeKind, string), IsfTypeRef> _leaves = new();

        private readonly string _name;

        public Reader(byte[] entry, int length, string name)
        {
            _name = name;
            _length = length;
            _r = new BinaryReader(new MemoryStream(entry, 0, length, writable: false), Encoding.UTF8);
        }

        public IsfDocument Document()
        {
            if (!_r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("not an ISF cache entry");
            if (_r.ReadInt32() != Version) throw new InvalidDataException("ISF cache entry of another version");
            _strings = new string[Count(int.MaxValue, 1)];
            for (int i = 0; i < _strings.Length; i++) _strings[i] = _r.ReadString();

            var metadata = new IsfMetadata(Str(), OptStr(), OptStr(), OptStr(),
                _r.ReadBoolean() ? new Guid(_r.ReadBytes(16)) : null,
                Optional(_r.ReadBoolean(), _r.ReadUInt32()),
                Optional(_r.ReadBoolean(), _r.ReadUInt32()));

            var baseTypes = new Dictionary<string, IsfBaseType>(StringComparer.Ordinal);
            for (int n = Count(IsfLimits.MaxTypes, 8); n > 0; n--)
            {
                var b = new IsfBaseType(Str(), _r.ReadInt32(), _r.ReadBoolean(), Str(), _r.ReadBoolean());
                Add(baseTypes, b.Name, b);
            }

            var enums = new Dictionary<string, IsfEnum>(StringComparer.Ordinal);
            for (int n = Count(IsfLimits.MaxTypes, 20); n > 0; n--)
            {
                string name = Str(), baseName = Str();
                long size = _r.ReadInt64();
                var constants = new IsfEnumConstant[Count(IsfLimits.MaxEnumConstants, 12)];
                for (int i = 0; i < constants.Length; i++) constants[i] = new IsfEnumConstant(Str(), _r.ReadInt64());
                Add(enums, name, new IsfEnum(name, baseName, size, constants));
            }

            var userTypes = new Dictionary<string, IsfUserType>(StringComparer.Ordinal);
            for (int n = Count(IsfLimits.MaxTypes, 17); n > 0; n--)
            {
                string name = Str();
                var kind = (IsfTypeKind)_r.ReadByte();
                if (kind is not (IsfTypeKind.Struct or IsfTypeKind.Union or IsfTypeKind.Class)) throw new InvalidDataException($"user type {name} has kind {kind}");
                long size = _r.ReadInt64();
                var fields = new IsfField[Count(IsfLimits.MaxFieldsPerType, 18)];
                for (int i = 0; i < fields.Length; i++)
                {
                    string fieldName = Str();
                    long offset = _r.ReadInt64();
                    bool anonymous = _r.ReadBoolean();
                    fields[i] = new IsfField(fieldName, offset, Type(1), anonymous);
                }
                Add(userTypes, name, new IsfUserType(name, kind, size, fields));
            }

            // The symbols stay encoded until first asked for; the digest already vouched for their bytes.
            long symbolsAt = _r.BaseStream.Position;
            var symbols = new Lazy<Dictionary<string, IsfSymbol>>(() => Symbols(symbolsAt), LazyThreadSafetyMode.ExecutionAndPublication);
            return new IsfDocument(metadata, baseTypes, userTypes, enums, symbols);
        }

        private Dictionary<string, IsfSymbol> Symbols(long at)
        {
            try
            {
                _r.BaseStream.Position = at;
                var symbols = new Dictionary<string, IsfSymbol>(StringComparer.Ordinal);
                for (int n = Count(IsfLimits.MaxSymbols, 13); n > 0; n--)
                {
                    string name = Str();
                    uint rva = _r.ReadUInt32();
                    string? linkage = OptStr();
                    var type = _r.ReadBoolean() ? Type(1) : null;
                    Add(symbols, name, new IsfSymbol(name, rva, linkage, type));
                }
                if (_r.ReadUInt32() != EndMark || _r.BaseStream.Position != _length) throw new InvalidDataException("ISF cache entry does not end where it should");
                return symbols;
            }
            catch (Exception e) when (e is EndOfStreamException or ArgumentException or FormatException or OverflowException or IndexOutOfRangeException or DecoderFallbackException or InvalidDataException)
            {
                // Only a writer bug gets here (the digest matched): say which entry to delete.
                throw new DumpFormatException(_name, at, $"ISF cache entry's symbols cannot be decoded ({e.Message}); delete the entry");
            }
        }

        private IsfTypeRef Type(int depth)
        {
            if (depth > IsfLimits.MaxTypeDepth) throw new InvalidDataException("type descriptor nests too deep");
            var kind = (IsfTypeKind)_r.ReadByte();
            string? name = OptStr();
            switch (kind)
            {
                case IsfTypeKind.Base or IsfTypeKind.Struct or IsfTypeKind.Union or IsfTypeKind.Class or IsfTypeKind.Enum:
                    if (name == null) throw new InvalidDataException($"{kind} type without a name");
                    if (_leaves.TryGetValue((kind, name), out var shared)) return shared;
                    var leaf = new IsfTypeRef(kind, name);
                    _leaves.Add((kind, name), leaf);
                    return leaf;
                case IsfTypeKind.Pointer:
                    return new IsfTypeRef(kind, name, Type(depth + 1));
                case IsfTypeKind.Array:
                    long count = _r.ReadInt64();
                    if (count < 0 || count > IsfLimits.MaxArrayCount) throw new InvalidDataException("array count out of range");
                    return new IsfTypeRef(kind, name, Type(depth + 1), count);
                case IsfTypeKind.Bitfield:
                    int position = _r.ReadInt32(), length = _r.ReadInt32();
                    if (position < 0 || length < 1 || position + length > 128) throw new InvalidDataException("bit field out of range");
                    return new IsfTypeRef(kind, name, null, 0, position, length, Type(depth + 1));
                case IsfTypeKind.Function:
                    return new IsfTypeRef(kind, name);
                default:
                    throw new InvalidDataException($"unknown type kind {(int)kind}");
            }
        }

        /// <summary>A count, capped by a limit and by what the rest of the entry could hold at <paramref name="minBytesEach"/> bytes each.</summary>
        private int Count(int max, int minBytesEach)
        {
            int n = _r.ReadInt32();
            long remaining = _length - _r.BaseStream.Position;
            if (n < 0 || n > max || (long)n * minBytesEach > remaining) throw new InvalidDataException($"count {n} out of range");
            return n;
        }

        private string Str() => OptStr() ?? throw new InvalidDataException("a required string is missing");

        private string? OptStr()
        {
            int i = _r.ReadInt32();
            if (i == -1) return null;
            if ((uint)i >= (uint)_strings.Length) throw new InvalidDataException($"string index {i} out of range");
            return _strings[i];
        }

        private static uint? Optional(bool present, uint value) => present ? value : null;

        private static void Add<T>(Dictionary<string, T> into, string name, T value)
        {
            if (!into.TryAdd(name, value)) throw new InvalidDataException($"duplicate name {name}");
        }
    }
}
