using System.Buffers.Binary;

namespace Ntdbg.Analyses.Pool;

/// <summary>
/// Scans one image for a tag: executable sections are decoded where the tag's bytes lie
/// (<see cref="PoolCodeScan"/>), the other sections yield data hits. Imports and function names
/// are built only for images whose code holds the tag's bytes.
/// </summary>
internal static class PoolImageScanner
{
    private const uint ExecutableSection = 0x2000_0000;

    public static void Scan(PoolScanImage image, PoolTagPattern tag, List<PoolTagCodeHit> hits, List<PoolTagStringHit> strings, List<PoolTagMissingRange> missing)
    {
        Dictionary<uint, string>? imports = null;
        foreach (var section in image.Image.Sections)
        {
            bool executable = (section.Characteristics & ExecutableSection) != 0;
            image.ReadSection(section, (rva, bytes) =>
            {
                if (!executable)
                {
                    foreach (int i in Occurrences(bytes, tag))
                        strings.Add(new PoolTagStringHit(image.Source, image.Module, section.Name, rva + (uint)i, image.CodeBase + rva + (uint)i,
                            PoolTagPattern.Spell(BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]))));
                    return;
                }
                var occurrences = Occurrences(bytes, tag);
                if (occurrences.Count == 0) return;
                imports ??= image.Imports();
                new PoolCodeScan(image, rva, bytes.ToArray(), tag, imports, image.Namer(), hits).Run(occurrences);
            }, missing);
        }
    }

    /// <summary>Offsets where the tag's four bytes lie (an immediate can only be one of these).</summary>
    public static List<int> Occurrences(ReadOnlySpan<byte> bytes, PoolTagPattern tag)
    {
        var found = new List<int>();
        if (tag.Mask == uint.MaxValue)
        {
            Span<byte> needle = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(needle, tag.Value);
            for (int at = 0; ;)
            {
                int i = bytes[at..].IndexOf(needle);
                if (i < 0) break;
                found.Add(at + i);
                at += i + 1;
            }
            return found;
        }
        for (int i = 0; i + 4 <= bytes.Length; i++)
            if (tag.Matches(BinaryPrimitives.ReadUInt32LittleEndian(bytes[i..]))) found.Add(i);
        return found;
    }
}
