using System.Text.Json;
using Ntdbg.Analyses.Pool;

namespace Ntdbg.Cli.Pool;

/// <summary>
/// `ntdbg pool findtag &lt;tag&gt; [--dir folder] [--json]`: which images under a folder use a pool
/// tag, from their code (immediates passed to the pool routines) rather than a byte search alone.
/// </summary>
public static class FindTagCommand
{
    public const string Usage = "usage: ntdbg pool findtag <tag> [--dir <folder of .sys/.dll/.exe>] [--json]";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length < 2 || args[0] != "findtag")
        {
            error.WriteLine(Usage);
            return 2;
        }
        string directory = Directory.GetCurrentDirectory();
        bool json = false;
        for (int i = 2; i < args.Length; i++)
        {
            if (args[i] == "--dir" && i + 1 < args.Length) directory = args[++i];
            else if (args[i] == "--json") json = true;
            else
            {
                error.WriteLine($"ntdbg pool: unexpected '{args[i]}'");
                error.WriteLine(Usage);
                return 2;
            }
        }
        PoolTagPattern tag;
        try { tag = PoolTagPattern.Parse(args[1]); }
        catch (ArgumentException e)
        {
            error.WriteLine($"ntdbg pool: {e.Message}");
            return 2;
        }
        if (!Directory.Exists(directory))
        {
            error.WriteLine($"ntdbg pool: no folder '{directory}'");
            return 2;
        }
        var result = PoolTagFinder.FindInDirectory(directory, tag);
        if (json) output.WriteLine(JsonSerializer.Serialize(result, JsonOptions));
        else Render(result, output);
        return 0;
    }

    private static void Render(PoolTagResult result, TextWriter output)
    {
        output.WriteLine($"Pool tag '{result.Tag}' (0x{result.Value:X8}) in {result.FilesScanned} image(s)");
        foreach (var hit in result.CodeHits.OrderByDescending(h => h.IsPoolCall))
        {
            string function = hit.Function != null ? $"{hit.Module}!{hit.Function}" : $"{hit.Module}+0x{hit.FunctionRva:x}";
            string call = hit.CallTarget != null ? $" -> call {hit.CallTarget} at +0x{hit.CallRva:x}" : "";
            string mark = hit.IsPoolCall ? "pool " : "code ";
            output.WriteLine($"  {mark}{function} +0x{hit.Rva:x} '{hit.Tag}': {hit.Instruction}{call}");
        }
        foreach (var hit in result.StringHits)
            output.WriteLine($"  data {hit.Module} {hit.Section} +0x{hit.Rva:x} '{hit.Tag}'");
        foreach (var e in result.Errors)
            output.WriteLine($"  skipped {e.Path}: {e.Problem}");
    }
}
