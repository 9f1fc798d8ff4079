using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Fuzz;

/// <summary>
/// Fuzz target for the PE reader: parses the input as an image file and reads every directory.
/// The only acceptable failures are the reader's own one-line errors.
/// </summary>
public static class PeFuzzTarget
{
    public static void Run(byte[] input)
    {
        using var file = MappedFile.FromBytes("fuzz.dll", input);
        PeImage image;
        try { image = PeImage.FromFile(file); }
        catch (DumpFormatException) { return; }
        ReadDirectories(image);
    }

    /// <summary>Reads every directory the PE reader parses lazily.</summary>
    public static void ReadDirectories(PeImage image)
    {
        Try(() => image.ReadImports());
        Try(() => image.ReadExports());
        Try(() => image.ReadDebugDirectory());
        Try(() => image.ReadRuntimeFunctions());
        Try(() => image.CountBaseRelocations());
    }

    private static void Try(Action read)
    {
        try { read(); }
        catch (Exception e) when (e is DumpFormatException or MemoryFaultException) { }
    }
}
