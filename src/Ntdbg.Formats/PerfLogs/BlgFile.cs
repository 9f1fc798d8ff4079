using System.IO.MemoryMappedFiles;
using Ntdbg.Core.Errors;

namespace Ntdbg.Formats.PerfLogs;

/// <summary>
/// The bytes of a .blg, read one ETW buffer at a time: from a memory-mapped file (nothing beyond the
/// buffer being parsed is copied) or from an array (fuzzing, tests). Every read is bounds-checked and
/// a bad one is a <see cref="DumpFormatException"/> naming the file and offset.
/// </summary>
internal sealed class BlgFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte[]? _bytes;

    public string Path { get; }
    public long Length { get; }

    private BlgFile(string path, long length, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte[]? bytes)
    {
        Path = path;
        Length = length;
        _map = map;
        _view = view;
        _bytes = bytes;
    }

    public static BlgFile Open(string path)
    {
        long length = new FileInfo(path).Length;
        if (length == 0) throw new DumpFormatException(path, 0, "empty file, not a perfmon binary log");
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        return new BlgFile(path, length, map, map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read), null);
    }

    public static BlgFile FromBytes(byte[] bytes, string name) => new(name, bytes.Length, null, null, bytes);

    /// <summary>Copies <paramref name="count"/> bytes at <paramref name="offset"/>, which must lie inside the file, to the start of <paramref name="destination"/>.</summary>
    public void Read(long offset, byte[] destination, int count)
    {
        if (count < 0 || count > destination.Length || offset < 0 || offset > Length - count)
            throw Error(offset, $"read of {count} bytes runs past the end of the file ({Length} bytes)");
        if (_bytes != null) Array.Copy(_bytes, offset, destination, 0, count);
        else _view!.ReadArray(offset, destination, 0, count);
    }

    public uint U32(long offset)
    {
        var b = new byte[4];
        Read(offset, b, 4);
        return BitConverter.ToUInt32(b);
    }

    public DumpFormatException Error(long offset, string problem) => new(Path, offset, problem);

    public void Dispose()
    {
        _view?.Dispose();
        _map?.Dispose();
    }
}
