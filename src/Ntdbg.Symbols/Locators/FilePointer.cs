namespace Ntdbg.Symbols.Locators;

/// <summary>A `file.ptr`: `PATH:<path>` (the file lives elsewhere) or `MSG:<text>` (why it is not here).</summary>
public sealed record FilePointer(string? TargetPath, string? Text)
{
    public static FilePointer Parse(string content)
    {
        var line = content.Trim().Split('\n')[0].Trim();
        if (line.StartsWith("PATH:", StringComparison.OrdinalIgnoreCase)) return new FilePointer(line[5..].Trim(), null);
        if (line.StartsWith("MSG:", StringComparison.OrdinalIgnoreCase)) return new FilePointer(null, line[4..].Trim());
        return new FilePointer(null, line.Length == 0 ? "empty file.ptr" : "unrecognized file.ptr: " + Truncate(line));
    }

    public override string ToString() => TargetPath != null ? "PATH:" + TargetPath : "MSG:" + Text;

    private static string Truncate(string s) => s.Length > 80 ? s[..80] + "..." : s;
}
