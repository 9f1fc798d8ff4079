using Ntdbg.Core.Errors;
using Ntdbg.Symbols.Isf;
using Ntdbg.Symbols.Locators;
using Ntdbg.Targets;

namespace Ntdbg.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            if (args.Length > 0 && args[0] == "bench") return Bench.BenchCommand.Run(args[1..], Console.Out);
            if (args.Length > 0 && args[0] == "pool") return Pool.FindTagCommand.Run(args[1..], Console.Out, Console.Error);
            if (args.Length > 0 && args[0] == "perflog") return PerfLog.PerfLogCommand.Run(args[1..], Console.Out, Console.Error);
            if (args.Length > 0 && args[0] == "triage") return Triage.TriageCommand.Run(args[1..], Console.Out, Console.Error);
            var options = CliOptions.Parse(args);
            if (options.ShowHelp || options.DumpPath == null)
            {
                (options.ShowHelp ? Console.Out : Console.Error).WriteLine(CliOptions.Usage);
                return options.ShowHelp ? 0 : 2;
            }
            var symbolPath = options.SymbolPath != null ? SymbolPath.Parse(options.SymbolPath) : SymbolPath.FromEnvironment();
            using var target = TargetLoader.Open(options.DumpPath, new IsfKernelSymbolProvider(symbolPath));
            return new DebuggerHost(options, Console.Out, Console.In).Run(target);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"ntdbg: {e.Message}");
            Console.Error.WriteLine(CliOptions.Usage);
            return 2;
        }
        catch (DumpFormatException e)
        {
            Console.Error.WriteLine($"ntdbg: {e.Message}");
            return 1;
        }
    }
}
