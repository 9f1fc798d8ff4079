namespace Ntdbg.Formats.Pdb;

/// <summary>
/// The PDB info stream (stream 1): version, signature, age, GUID (the key a symbol server and
/// the image's CodeView record use), the named stream map (/names, /LinkInfo, /src/headerblock)
/// and the feature codes after it.
/// </summary>
public sealed class PdbInfoStream
{
    public const int StreamIndex = 1;

    public uint Version { get; private init; }
    public uint Signature { get; private init; }
    public uint Age { get; private init; }
    public Guid Guid { get; private init; }
    /// <summary>Stream index by name ("/names" → string table stream).</summary>
    public IReadOnlyDictionary<string, int> NamedStreams { get; private init; } = new Dictionary<string, int>();
    /// <summary>Feature codes (e.g. 20140508 = VC140, 0x4D544F4E 'MTON' = no type merge).</summary>
    public IReadOnlyList<uint> Features { get; private init; } = [];

    public static PdbInfoStream Read(MsfStream stream)
    {
        var r = stream.Reader();
        uint version = r.U32("info version");
        uint signature = r.U32("info signature");
        uint age = r.U32("info age");
        var guid = r.Guid("info GUID");

        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var features = new List<uint>();
        if (!r.AtEnd)
        {
            int bufferLength = r.I32("named stream string buffer size");
            var buffer = r.Stream.Reader(r.Position, Math.Max(-1, bufferLength));
            int bufferStart = r.Position;
            r.Position += bufferLength;
            r.U32("named stream hash table size");
            uint capacity = r.U32("named stream hash table capacity");
            if (capacity > PdbLimits.MaxNamedStreams) throw r.Error($"named stream table capacity {capacity} exceeds the limit");
            uint presentWords = r.U32("present bit vector length");
            if (presentWords > capacity / 32 + 1) throw r.Error($"present bit vector of {presentWords} words for capacity {capacity}");
            int present = 0;
            for (uint i = 0; i < presentWords; i++) present += System.Numerics.BitOperations.PopCount(r.U32("present bits"));
            uint deletedWords = r.U32("deleted bit vector length");
            if (deletedWords > capacity / 32 + 1) throw r.Error($"deleted bit vector of {deletedWords} words for capacity {capacity}");
            r.Skip((int)deletedWords * 4, "deleted bits");
            for (int i = 0; i < present; i++)
            {
                uint key = r.U32("named stream name offset");
                uint value = r.U32("named stream index");
                if (key >= (uint)bufferLength) throw r.Error($"named stream name offset 0x{key:x} is past the 0x{bufferLength:x}-byte name buffer");
                var nr = buffer;
                nr.Position = bufferStart + (int)key;
                names[nr.CString("stream name")] = (int)value;
            }
            // Feature codes follow until the end of the stream.
            while (r.Remaining >= 4 && features.Count < 64) features.Add(r.U32("feature code"));
        }
        return new PdbInfoStream { Version = version, Signature = signature, Age = age, Guid = guid, NamedStreams = names, Features = features };
    }
}
