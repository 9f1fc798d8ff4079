using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;

namespace Ntdbg.Targets.Image;

/// <summary>
/// A dump's memory with module images behind it: where the dump has no bytes inside a module
/// whose image file was found (in the symbol store, by TimeDateStamp+SizeOfImage), the bytes
/// come from the image as the loader maps it — code, `.pdata`, headers — as WinDbg does for
/// minidumps and triage dumps. The dump always wins where it has data (it may hold patched
/// code). A hole the image cannot fill either is reported with both reasons.
/// Chunk walks (`s`) cover the dump's own data only.
/// </summary>
public sealed class ImageOverlayMemory(IVirtualMemory inner) : IVirtualMemory, IDisposable
{
    private const ulong PageSize = 0x1000;
    private readonly List<(ulong Base, ulong Size, PeImage Image, MappedFile File)> _images = [];

    public IVirtualMemory Inner { get; } = inner;
    public string Name => Inner.Name;

    /// <summary>Backs [base, base+size) with an image file; replaces an earlier one for the same base.</summary>
    public void AddImage(ulong baseAddress, ulong size, string imagePath)
    {
        var file = MappedFile.Open(imagePath);
        try
        {
            var image = PeImage.FromFile(file);
            RemoveImage(baseAddress);
            _images.Add((baseAddress, size, image, file));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void RemoveImage(ulong baseAddress)
    {
        for (int i = _images.Count - 1; i >= 0; i--)
            if (_images[i].Base == baseAddress)
            {
                _images[i].File.Dispose();
                _images.RemoveAt(i);
            }
    }

    public int Read(ulong address, Span<byte> destination, out MemoryFault? fault)
    {
        int done = 0;
        fault = null;
        while (done < destination.Length)
        {
            ulong at = address + (ulong)done;
            done += Inner.Read(at, destination[done..], out var innerFault);
            if (done == destination.Length) return done;
            at = address + (ulong)done;
            int filled = FillFromImage(at, destination[done..], out string? why);
            if (filled == 0)
            {
                fault = innerFault == null ? null : why == null ? innerFault : innerFault with { Detail = $"{innerFault.Detail}; {why}" };
                fault ??= new MemoryFault(at, MemoryFaultKind.NotInDump, why ?? "read stopped", Name);
                return done;
            }
            done += filled;
        }
        return done;
    }

    // Up to the end of the page (then the dump is asked again), from the image covering the address.
    private int FillFromImage(ulong address, Span<byte> destination, out string? why)
    {
        why = null;
        foreach (var (baseAddress, size, image, _) in _images)
        {
            if (address < baseAddress || address - baseAddress >= size) continue;
            ulong rva = address - baseAddress;
            ulong pageEnd = (address | (PageSize - 1)) + 1;
            int length = (int)Math.Min((ulong)destination.Length, Math.Min(pageEnd - address, size - rva));
            try
            {
                image.ReadRva((uint)rva, length, "image bytes").CopyTo(destination);
                return length;
            }
            catch (DumpFormatException e)
            {
                why = $"the image file {image.Name} has no bytes there ({e.Problem})";
                return 0;
            }
        }
        return 0;
    }

    public void VisitChunks(ulong start, ulong end, ChunkVisitor visitor) => Inner.VisitChunks(start, end, visitor);

    public void Dispose()
    {
        foreach (var i in _images) i.File.Dispose();
        _images.Clear();
    }
}
