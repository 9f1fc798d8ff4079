using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.Image;

/// <summary>
/// A .sys/.exe/.dll opened as a target, as WinDbg does with <c>-z image</c>: one module at its
/// preferred ImageBase, the image mapped as memory, no threads and no exception.
/// </summary>
public sealed class ImageTarget : ITarget
{
    private readonly MappedFile _file;

    private ImageTarget(MappedFile file, PeImage image)
    {
        _file = file;
        Image = image;
        Machine = image.FileHeader.Machine switch
        {
            PeFileHeader.MachineI386 => Machine.X86,
            PeFileHeader.MachineAmd64 => Machine.X64,
            PeFileHeader.MachineArm64 => Machine.Arm64,
            _ => Machine.Unknown,
        };
        var memory = new ImageMemory(file, image, image.OptionalHeader.ImageBase);
        Memory = memory;

        var warnings = new List<string>();
        PeCodeView? cv = null;
        try { cv = image.ReadCodeView(); }
        catch (Exception e) when (e is Core.Errors.DumpFormatException or MemoryFaultException)
        {
            warnings.Add($"debug directory unreadable: {e.Message}");
        }
        long lastRaw = image.Sections.Count == 0 ? 0 : image.Sections.Max(s => (long)s.PointerToRawData + s.SizeOfRawData);
        if (lastRaw > file.Length)
            warnings.Add($"{FileName(file.Path)} is truncated: sections need 0x{lastRaw:x} bytes, the file has 0x{file.Length:x}");

        var codeView = cv.ToCodeViewInfo();
        ulong size = image.OptionalHeader.SizeOfImage != 0 ? image.OptionalHeader.SizeOfImage : memory.Size;
        Modules = [new ModuleInfo(file.Path, image.OptionalHeader.ImageBase, size, image.FileHeader.TimeDateStamp,
            image.OptionalHeader.CheckSum, codeView)];
        Times = new TargetTimes(DateTimeOffset.FromUnixTimeSeconds(image.FileHeader.TimeDateStamp));
        Warnings = warnings;
    }

    private static string FileName(string path) => global::System.IO.Path.GetFileName(path);

    /// <summary>Opens an image file; a malformed file throws <see cref="Core.Errors.DumpFormatException"/>.</summary>
    public static ImageTarget Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            return new ImageTarget(file, PeImage.FromFile(file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The parsed image (file layout), for commands that read headers or directories.</summary>
    public PeImage Image { get; }
    public string Path => _file.Path;
    public TargetKind Kind => TargetKind.Image;
    public string FormatDescription => $"PE image ({(Image.Is64 ? "PE32+" : "PE32")}, {Machine.DisplayName()})";
    public Machine Machine { get; }
    public int PointerSize => Image.PointerSize;
    public IVirtualMemory Memory { get; }
    public SystemInfo? System => null;
    public TargetTimes Times { get; }
    public IReadOnlyList<ModuleInfo> Modules { get; }
    public IReadOnlyList<UnloadedModuleInfo> UnloadedModules { get; } = [];
    public IReadOnlyList<ThreadInfo> Threads { get; } = [];
    /// <summary>An image has no threads: -1.</summary>
    public int CurrentThreadIndex => -1;
    public ExceptionInfo? Exception => null;
    public IReadOnlyList<string> Warnings { get; }

    private bool _disposed;

    /// <summary>Idempotent: a session and its owner may both dispose the target.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _file.Dispose();
    }
}
