namespace Ntdbg.Cli;

/// <summary>cdb/kd-style arguments: -z Dump, -y SymbolPath, -c "Commands", plus --json.</summary>
public sealed record CliOptions(string? DumpPath, string? SymbolPath, string? Commands, bool Json, bool Quiet, bool ShowHelp)
{
    public static CliOptions Parse(string[] args)
    {
        string? dump = null, sym = null, cmds = null;
        bool json = false, quiet = false, help = false;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Next()
            {
                if (i + 1 >= args.Length) throw new UsageException($"{a} needs a value");
                return args[++i];
            }
            switch (a)
            {
                case "-z": dump = Next(); break;
                case "-y": sym = Next(); break;
                case "-c": cmds = Next(); break;
                case "--json": case "-json": json = true; break;
                case "-q": case "--quiet": quiet = true; break;
                case "-h": case "-?": case "--help": help = true; break;
                case "-lines": case "-n": case "-noio": break; // accepted for cdb compatibility; no effect
                default:
                    if (a.StartsWith('-')) throw new UsageException($"unknown option {a}");
                    dump ??= a; // a bare path, as `ntdbg crash.dmp`
                    break;
            }
        }
        return new CliOptions(dump, sym, cmds, json, quiet, help);
    }

    public const string Usage = """
        usage: ntdbg -z <dump or image> [-y <symbol path>] [-c "<cmd>; <cmd>; q"] [--json] [-q]
               ntdbg bench search [--size-mb N]
               ntdbg bench symbols [--pdb path]
               ntdbg bench kernel --dump path [-y IsfFolder]
               ntdbg poolmon trend <log>... | <folder> [--pooltag file] [--top N] [--json]

          -z     the crash dump (.dmp, kernel or user) or PE image (.sys, .exe, .dll) to open
          -y     symbol search path (default: _NT_ALT_SYMBOL_PATH then _NT_SYMBOL_PATH)
          -c     commands to run, separated by ';'; without -c an interactive prompt starts
          --json one JSON object per command instead of WinDbg text
          -q     do not print the banner
        Type .help at the prompt for the command list.
        """;
}

public sealed class UsageException(string message) : Exception(message);
