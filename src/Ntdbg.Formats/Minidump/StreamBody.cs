namespace Ntdbg.Formats.Minidump;

/// <summary>
/// A stream's bytes as the file holds them: <see cref="DeclaredSize"/> is what the directory says,
/// <see cref="Data"/> is what lies within the file (shorter when the dump is truncated).
/// Structure is validated against the declared size; entries are read only from the available data.
/// </summary>
public readonly ref struct StreamBody
{
    public StreamBody(ReadOnlySpan<byte> data, uint declaredSize, long offset, string what)
    {
        Data = data;
        DeclaredSize = declaredSize;
        Offset = offset;
        What = what;
    }

    public ReadOnlySpan<byte> Data { get; }
    public uint DeclaredSize { get; }
    /// <summary>File offset of the first byte.</summary>
    public long Offset { get; }
    public string What { get; }
    public bool Truncated => Data.Length < DeclaredSize;

    /// <summary>True when the first <paramref name="length"/> bytes are in the file.</summary>
    public bool Has(int length) => Data.Length >= length;
}
