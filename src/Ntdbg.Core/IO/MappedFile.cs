using System.IO.MemoryMappedFiles;
using Ntdbg.Core.Errors;

namespace Ntdbg.Core.IO;

/// <summary>
/// A read-only memory-mapped file with bounds-checked span access. Parsers read headers through
/// <see cref="Span(long,int,string)"/>, which names the file and offset when data is missing.
/// </summary>
public sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _pointer;
    private readonly byte[]? _bytes;

    private MappedFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, long length, byte[]? bytes)
    {
        Path = path;
        _map = map;
        _view = view;
        Length = length;
        _bytes = bytes;
        if (view != null)
        {
            byte* p = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _pointer = p + view.PointerOffset;
        }
    }

    public string Path { get; }
    public long Length { get; }

    public static MappedFile Open(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists) throw new DumpFormatException(path, 0, "file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DumpFormatException(path, 0, e.Message);
        }
        if (info.Length == 0) return new MappedFile(path, null, null, 0, Array.Empty<byte>());
        try
        {
            var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            return new MappedFile(path, map, view, info.Length, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DumpFormatException(path, 0, $"cannot map file: {e.Message}");
        }
    }

    /// <summary>Wraps bytes already in memory (tests, fuzzing, images extracted from a dump).</summary>
    public static MappedFile FromBytes(string name, byte[] bytes) => new(name, null, null, bytes.Length, bytes);

    public bool Contains(long offset, long length) => offset >= 0 && length >= 0 && offset <= Length && length <= Length - offset;

    /// <summary>The bytes at [offset, offset+length), or a format error naming what was being read.</summary>
    public ReadOnlySpan<byte> Span(long offset, int length, string what)
    {
        if (!Contains(offset, length))
            throw new DumpFormatException(Path, offset, $"{what} (0x{length:x} bytes) lies past the end of the file (size 0x{Length:x})");
        return UncheckedSpan(offset, length);
    }

    /// <summary>As many of the requested bytes as the file holds (possibly none).</summary>
    public ReadOnlySpan<byte> SpanClamped(long offset, long length)
    {
        if (offset < 0 || offset >= Length || length <= 0) return ReadOnlySpan<byte>.Empty;
        long n = Math.Min(length, Length - offset);
        return UncheckedSpan(offset, (int)Math.Min(n, int.MaxValue));
    }

    private ReadOnlySpan<byte> UncheckedSpan(long offset, int length)
    {
        if (_bytes != null) return new ReadOnlySpan<byte>(_bytes, (int)offset, length);
        return new ReadOnlySpan<byte>(_pointer + offset, length);
    }

    public T Read<T>(long offset, string what) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Read<T>(Span(offset, sizeof(T), what));

    public ushort U16(long offset, string what) => Read<ushort>(offset, what);
    public uint U32(long offset, string what) => Read<uint>(offset, what);
    public ulong U64(long offset, string what) => Read<ulong>(offset, what);

    private bool _disposed;

    public void Dispose()
    {
        // Several owners may share one mapping (a target and the session around it): dispose once.
        if (_disposed) return;
        _disposed = true;
        if (_view != null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
    }
}
