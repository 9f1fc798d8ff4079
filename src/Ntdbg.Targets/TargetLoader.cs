using Ntdbg.Core.Errors;
using Ntdbg.Targets.User;

namespace Ntdbg.Targets;

/// <summary>
/// Opens any supported file by its magic: user minidumps ('MDMP'), kernel dumps ('PAGEDUMP'/'PAGEDU64')
/// and PE images ('MZ') are built in; further kinds join with <see cref="Register"/>.
/// </summary>
public static class TargetLoader
{
    /// <summary>How many leading bytes matchers see.</summary>
    public const int MagicLength = 8;

    private static readonly object Gate = new();
    private static readonly List<(Func<ReadOnlySpan<byte>, bool> Matches, Func<string, ITarget> Open)> Kinds =
    [
        (IsMinidump, path => UserDumpTarget.Open(path)),
        (IsKernelDump, path => Kernel.KernelDumpTarget.Open(path)),
        (IsImage, path => Image.ImageTarget.Open(path)),
    ];

    /// <summary>
    /// Adds a file kind: <paramref name="matches"/> sees the first <see cref="MagicLength"/> bytes (fewer for tiny
    /// files); <paramref name="open"/> opens the path. Kinds are tried in registration order, MDMP first.
    /// </summary>
    public static void Register(Func<ReadOnlySpan<byte>, bool> matches, Func<string, ITarget> open)
    {
        ArgumentNullException.ThrowIfNull(matches);
        ArgumentNullException.ThrowIfNull(open);
        lock (Gate) Kinds.Add((matches, open));
    }

    public static bool IsMinidump(ReadOnlySpan<byte> b) => b.StartsWith("MDMP"u8);

    /// <summary>'PAGEDUMP' (32-bit) or 'PAGEDU64' (64-bit) kernel crash dumps.</summary>
    public static bool IsKernelDump(ReadOnlySpan<byte> b) => Ntdbg.Formats.KernelDump.KernelDumpHeader.IsKernelDump(b);

    /// <summary>PE images (executables, DLLs, drivers) start with the DOS header's 'MZ'.</summary>
    public static bool IsImage(ReadOnlySpan<byte> b) => b.StartsWith("MZ"u8);

    /// <summary>Opens a dump or image; throws <see cref="DumpFormatException"/> with one line when it cannot.</summary>
    public static ITarget Open(string path)
    {
        byte[] magic = ReadMagic(path);
        if (magic.Length == 0)
            throw new DumpFormatException(path, 0, "file is empty (0 bytes): not a dump or image");
        (Func<ReadOnlySpan<byte>, bool> Matches, Func<string, ITarget> Open)[] kinds;
        lock (Gate) kinds = Kinds.ToArray();
        foreach (var (matches, open) in kinds)
            if (matches(magic)) return open(path);
        throw new DumpFormatException(path, 0, $"not a dump or image: unrecognized signature {string.Join(' ', magic.Select(b => b.ToString("X2")))}");
    }

    /// <summary>
    /// As <see cref="Open(string)"/>; a kernel dump is opened with <paramref name="kernelSymbols"/>, so an
    /// encoded KDBG is decoded and a header that lies about the kernel is worked around.
    /// </summary>
    public static ITarget Open(string path, Kernel.IKernelSymbolProvider? kernelSymbols) =>
        kernelSymbols != null && IsKernelDump(ReadMagic(path)) ? Kernel.KernelDumpTarget.Open(path, kernelSymbols) : Open(path);

    private static byte[] ReadMagic(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var buf = new byte[MagicLength];
            int n = 0;
            while (n < buf.Length)
            {
                int r = stream.Read(buf, n, buf.Length - n);
                if (r == 0) break;
                n += r;
            }
            return buf[..n];
        }
        catch (FileNotFoundException) { throw new DumpFormatException(path, 0, "file not found"); }
        catch (DirectoryNotFoundException) { throw new DumpFormatException(path, 0, "file not found"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DumpFormatException(path, 0, e.Message);
        }
    }
}
