using System.Diagnostics;
using System.Globalization;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Pe;

/// <summary>One node of llvm-readobj's LLVM-style output: "Key: value", "Name {" ... "}", "Name [ (0x22)" ... "]".</summary>
public sealed class ReadobjNode
{
    public string Name { get; init; } = "";
    public string Value { get; set; } = "";
    public List<ReadobjNode> Children { get; } = [];

    public ReadobjNode? Child(string name) => Children.FirstOrDefault(c => c.Name == name);
    public IEnumerable<ReadobjNode> All(string name) => Children.Where(c => c.Name == name);
    public string this[string name] => Child(name)?.Value ?? throw new KeyNotFoundException($"llvm-readobj printed no '{name}' under '{Name}'");

    /// <summary>The number in a value: "0x1B320", "168448", "IMAGE_SUBSYSTEM_NATIVE (0x1)", "[ (0x22)", "2077-04-05 (0xC9C03000)", "(0x180001440)".</summary>
    public ulong Number(string name) => ParseNumber(this[name]);

    public static ulong ParseNumber(string v)
    {
        v = v.Trim();
        int p = v.LastIndexOf("(0x", StringComparison.Ordinal);
        if (p >= 0) return ulong.Parse(v[(p + 3)..v.IndexOf(')', p)], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (v.StartsWith("0x", StringComparison.Ordinal)) return ulong.Parse(v[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return ulong.Parse(v, CultureInfo.InvariantCulture);
    }
}

/// <summary>Runs llvm-readobj / llvm-objdump (independent oracles) and parses their output.</summary>
public static class LlvmReadobj
{
    public static bool Installed => Tools.Find("llvm-readobj") != null;

    /// <summary>Runs a tool; returns stdout and whether it exited 0 (llvm 14 crashes on some unwind info).</summary>
    public static (string Output, bool Ok) RunTool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(Tools.Find(tool) ?? tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = err.Result;
        return (output, p.ExitCode == 0);
    }

    public static ReadobjNode Run(params string[] args)
    {
        var (output, ok) = RunTool("llvm-readobj", args);
        if (!ok) throw new InvalidOperationException($"llvm-readobj {string.Join(' ', args)} failed");
        return Parse(output);
    }

    public static ReadobjNode Parse(string text)
    {
        var root = new ReadobjNode { Name = "" };
        var stack = new Stack<ReadobjNode>();
        stack.Push(root);
        bool inRaw = false;
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Length == 0) continue;
            if (inRaw) { if (line == ")") inRaw = false; continue; }
            if (line.EndsWith(" (", StringComparison.Ordinal) || line == "(") { inRaw = true; continue; } // RawData ( ... )
            if (line is "}" or "]") { if (stack.Count > 1) stack.Pop(); continue; }
            if (line.EndsWith(" {", StringComparison.Ordinal))
            {
                var n = new ReadobjNode { Name = line[..^2] };
                stack.Peek().Children.Add(n);
                stack.Push(n);
                continue;
            }
            int bracket = line.IndexOf(" [", StringComparison.Ordinal);
            if (bracket > 0 && !line.Contains(": ", StringComparison.Ordinal) && (line.EndsWith(" [", StringComparison.Ordinal) || line.EndsWith(')')))
            {
                // "Characteristics [ (0x22)" or "Sections ["
                var n = new ReadobjNode { Name = line[..bracket], Value = line[(bracket + 2)..].Trim() };
                stack.Peek().Children.Add(n);
                stack.Push(n);
                continue;
            }
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0 && line.EndsWith(':')) colon = line.Length - 1;
            if (colon > 0)
                stack.Peek().Children.Add(new ReadobjNode { Name = line[..colon], Value = colon + 2 <= line.Length ? line[(colon + 1)..].Trim() : "" });
            else
                stack.Peek().Children.Add(new ReadobjNode { Name = line });
        }
        return root;
    }

    /// <summary>The bytes of one section from `llvm-objdump -s -j name`, keyed by virtual address.</summary>
    public static Dictionary<ulong, byte> SectionBytes(string file, string section)
    {
        var (output, ok) = RunTool("llvm-objdump", "-s", "-j", section, file);
        if (!ok) throw new InvalidOperationException("llvm-objdump failed");
        var bytes = new Dictionary<ulong, byte>();
        foreach (var line in output.Split('\n'))
        {
            if (!line.StartsWith(' ')) continue;
            var parts = line.Trim().Split(' ');
            if (parts.Length < 2 || !ulong.TryParse(parts[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong addr)) continue;
            ulong at = addr;
            foreach (var word in parts.Skip(1).Take(4))
            {
                if (word.Length == 0 || word.Length % 2 != 0 || !word.All(Uri.IsHexDigit)) break;
                for (int i = 0; i < word.Length; i += 2) bytes[at++] = byte.Parse(word.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        return bytes;
    }
}

/// <summary>A theory over the real PE files that needs shared test data and llvm-readobj; skipped visibly otherwise.</summary>
public sealed class PeOracleTheoryAttribute : TheoryAttribute
{
    public PeOracleTheoryAttribute()
    {
        if (TestData.SharedRoot == null) Skip = "../shared/testdata is absent: real-data test skipped";
        else if (!LlvmReadobj.Installed) Skip = "llvm-readobj is not installed: oracle comparison skipped";
    }
}

public sealed class LlvmFactAttribute : FactAttribute
{
    public LlvmFactAttribute()
    {
        if (!LlvmReadobj.Installed) Skip = "llvm-readobj is not installed: oracle comparison skipped";
    }
}

public static class RealPeFiles
{
    public static readonly string[] Paths =
    [
        "kernel/symstore/amdppm.sys/c9c030003b000/amdppm.sys",
        "kernel/symstore/Wdf01000.sys/a9a9d36ed1000/Wdf01000.sys",
        "pdb/SimplePDB.exe",
        "pdb/dump_syms_regtest64.exe",
        "pdb/test-pdb-types.exe",
        "pdb/test-pdb.exe",
        "pdb/pe_only_symbol_test.dll",
        "user/sentry/crash.exe",
    ];

    public static IEnumerable<object[]> All => Paths.Select(p => new object[] { p });
}
