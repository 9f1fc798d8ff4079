namespace Ntdbg.Formats.Pe;

/// <summary>How the image bytes are laid out in the source the reader works on.</summary>
public enum PeLayout
{
    /// <summary>The file as stored on disk: sections at their PointerToRawData.</summary>
    File,
    /// <summary>The image as the loader maps it: sections at their RVAs from the base address.</summary>
    Mapped,
}
