using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Symbols.Cab;

namespace Ntdbg.Symbols.Locators;

/// <summary>
/// Checks that a downloaded file is what its name says (a PDB starts with the MSF magic, an
/// image with "MZ"), and expands compressed `_` files from their cabinet. An HTML error page
/// served with 200 must not land in the cache as `ntoskrnl.pdb`.
/// </summary>
public static class SymbolFileCheck
{
    private static readonly byte[] Msf7 = "Microsoft C/C++ MSF 7.00\r\n\x1a"u8.ToArray();
    private static readonly byte[] Msf2 = "Microsoft C/C++ program database 2.00\r\n"u8.ToArray();
    private static readonly byte[] PortablePdb = "BSJB"u8.ToArray();
    private static readonly string[] ImageExtensions = [".exe", ".dll", ".sys", ".drv", ".ocx", ".efi", ".cpl", ".scr", ".mui", ".winmd"];

    /// <summary>Null when the file looks right for its name, else the problem.</summary>
    public static string? Problem(string path, string fileName)
    {
        var head = new byte[64];
        int n;
        try
        {
            using var f = File.OpenRead(path);
            n = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (IOException e) { return "unreadable: " + e.Message; }
        var span = head.AsSpan(0, n);
        if (n == 0) return "empty file";
        string ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (ext == ".pdb" && !span.StartsWith(Msf7) && !span.StartsWith(Msf2) && !span.StartsWith(PortablePdb))
            return "not a PDB (no MSF signature)";
        if (ImageExtensions.Contains(ext) && !span.StartsWith("MZ"u8))
            return "not a PE image (no MZ signature)";
        return null;
    }

    /// <summary>Expands the file named like <paramref name="fileName"/> (or the only file) from a cabinet into <paramref name="destination"/>; null or the problem.</summary>
    public static string? ExpandCabinet(string cabPath, string fileName, string destination)
    {
        try
        {
            using var mapped = MappedFile.Open(cabPath);
            if (mapped.Length < 4 || !CabArchive.HasSignature(mapped.Span(0, 4, "signature")))
                return "not a cabinet (compressed file expected)";
            var cab = CabArchive.Open(mapped);
            var entry = cab.Files.FirstOrDefault(f => string.Equals(Path.GetFileName(f.Name.Replace('\\', '/')), fileName, StringComparison.OrdinalIgnoreCase))
                        ?? (cab.Files.Count == 1 ? cab.Files[0] : null);
            if (entry == null) return $"the cabinet holds no {fileName}";
            using var output = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
            cab.Extract(entry, output);
            return null;
        }
        catch (DumpFormatException e) { return "bad cabinet: " + e.Problem; }
        catch (IOException e) { return "cannot expand: " + e.Message; }
    }
}
