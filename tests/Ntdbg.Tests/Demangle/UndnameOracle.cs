using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Demangle;

/// <summary>
/// The independent reference: llvm-undname (LLVM 14 here) run on the decorated public symbols
/// that llvm-pdbutil lists for every PDB in the shared test data.
/// </summary>
internal static class UndnameOracle
{
    /// <summary>llvm-undname options that leave only the qualified name and the parameter list.</summary>
    public static readonly string[] NameOnlyOptions =
    {
        "--no-access-specifier", "--no-calling-convention", "--no-return-type", "--no-member-type", "--no-variable-type",
    };

    private static readonly Lazy<IReadOnlyList<string>> Corpus = new(LoadCorpus);

    /// <summary>Every distinct '?'-decorated public symbol of every PDB under ../shared/testdata.</summary>
    public static IReadOnlyList<string> DecoratedPublics => Corpus.Value;

    private static IReadOnlyList<string> LoadCorpus()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var root = TestData.SharedRoot ?? throw new InvalidOperationException("shared test data absent");
        foreach (var pdb in Directory.EnumerateFiles(root, "*.pdb", SearchOption.AllDirectories))
        {
            string dump = Tools.Run("llvm-pdbutil", "dump", "-publics", pdb);
            // Lines look like: 1234 | S_PUB32 [size = 44] `?name@@...`
            foreach (Match m in Regex.Matches(dump, @"`(\?[^`\s]+)`")) names.Add(m.Groups[1].Value);
        }
        return names.ToList();
    }

    /// <summary>llvm-undname's answer for each input (null where it says the name is invalid).</summary>
    public static Dictionary<string, string?> Undecorate(IReadOnlyList<string> decorated, params string[] options)
    {
        var answers = new Dictionary<string, string?>(StringComparer.Ordinal);
        // Arguments in batches (command-line length); stdout holds "input\nresult\n\n" per name,
        // with the result line missing (it goes to stderr) when llvm-undname rejects the input.
        for (int start = 0; start < decorated.Count; start += 200)
        {
            var batch = decorated.Skip(start).Take(200).ToArray();
            string output = Tools.Run("llvm-undname", options.Concat(batch).ToArray());
            var blocks = output.Replace("\r", "").Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
            foreach (var block in blocks)
            {
                var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                if (lines.Length == 0) continue;
                answers[lines[0]] = lines.Length > 1 ? lines[1] : null;
            }
        }
        return answers;
    }

    /// <summary>
    /// The documented mapping from llvm-undname's reduced output (<see cref="NameOnlyOptions"/>) to
    /// our NameOnly style, which is how WinDbg's x/ln/k write names:
    /// 1. string literals (??_C@) are <c>`string'</c>;
    /// 2. a leading "[thunk]: " and a leading "const " (vftables, locators) are dropped;
    /// 3. the trailing parameter list of a function and the qualifiers after it are dropped;
    /// 4. the keywords class/struct/union/enum are dropped;
    /// 5. ", " becomes "," and "&gt;&gt;" closing template lists becomes "&gt; &gt;" (not inside operator names);
    /// 6. "`dynamic initializer for `x''" (variable form) is written "`dynamic initializer for 'x''".
    /// Names this mapping cannot express are compared elsewhere (see <see cref="IsNameOnlyComparable"/>).
    /// </summary>
    public static string ToNameOnly(string decorated, string llvmReduced)
    {
        if (decorated.StartsWith("??_C@", StringComparison.Ordinal)) return "`string'";
        string s = llvmReduced;
        if (s.StartsWith("[thunk]: ", StringComparison.Ordinal)) s = s["[thunk]: ".Length..];
        if (s.StartsWith("const ", StringComparison.Ordinal)) s = s["const ".Length..];
        s = StripParameterList(s);
        s = Regex.Replace(s, @"(?<![A-Za-z0-9_])(class|struct|union|enum) ", "");
        s = s.Replace(", ", ",", StringComparison.Ordinal);
        s = SeparateClosingAngles(s);
        s = Regex.Replace(s, @"`(dynamic (?:initializer|atexit destructor) for )`([^']*)''", "`$1'$2''");
        return s;
    }

    /// <summary>
    /// Function-local scopes (llvm writes the whole enclosing signature, we its name) and RTTI
    /// type descriptors (llvm drops the type, we keep it) are outside the mapping.
    /// </summary>
    public static bool IsNameOnlyComparable(string decorated) =>
        decorated.StartsWith("??_C@", StringComparison.Ordinal)
        || (!Regex.IsMatch(decorated[1..], @"\?([0-9]|[A-P]*@)\?\?") && !decorated.StartsWith("??_R0", StringComparison.Ordinal));

    private static string StripParameterList(string s)
    {
        // Qualifiers after the parameter list: " const", " volatile", " __restrict", " &", " &&".
        string t = s;
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (var q in new[] { " const", " volatile", " __restrict", " __unaligned", " &&", " &", " noexcept" })
                if (t.EndsWith(q, StringComparison.Ordinal) && t.Contains(')')) { t = t[..^q.Length]; changed = true; }
        }
        if (!t.EndsWith(')')) return s;
        int depth = 0;
        for (int i = t.Length - 1; i >= 0; i--)
        {
            if (t[i] == ')') depth++;
            else if (t[i] == '(' && --depth == 0) return t[..i];
        }
        return s;
    }

    private static string SeparateClosingAngles(string s)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < s.Length; i++)
        {
            if (string.CompareOrdinal(s, i, "operator", 0, 8) == 0)
            {
                int j = i + 8;
                while (j < s.Length && "<>=-!&|*+/%^~[]()".Contains(s[j])) j++;
                sb.Append(s, i, j - i);
                i = j - 1;
                continue;
            }
            sb.Append(s[i]);
            if (s[i] == '>' && i + 1 < s.Length && s[i + 1] == '>') sb.Append(' ');
        }
        return sb.ToString();
    }

    public static double MillisecondsOf(Action a)
    {
        var sw = Stopwatch.StartNew();
        a();
        return sw.Elapsed.TotalMilliseconds;
    }
}
