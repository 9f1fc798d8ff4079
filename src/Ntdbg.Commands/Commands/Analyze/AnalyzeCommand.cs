using Ntdbg.Analyses.Analyze;
using Ntdbg.Commands.Engine;

namespace Ntdbg.Commands.Commands.Analyze;

/// <summary>!analyze [-v]: the crash analysis (<see cref="CrashAnalyzer"/>) for the dump's exception or bug check.</summary>
[Command("!analyze", Summary = "Analyze the exception or bug check: cause, faulting instruction and stack, module and bucket", Usage = "!analyze [-v]")]
public sealed class AnalyzeCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        bool verbose = false;
        while (context.Args.TryOption() is { } option)
        {
            if (option == "v") verbose = true;
            else throw new CommandException($"!analyze: unknown option -{option} (only -v)");
        }
        return new AnalyzeResult(Run(context.Session), verbose, context.Session.PointerSize);
    }

    public static CrashAnalysis Run(Session.DebugSession s) =>
        new CrashAnalyzer(new AnalysisInput(s.Target, s.Memory, s.SymbolTable, s.Stacks, s.CurrentThread?.Context ?? s.CurrentContext)).Analyze();
}

/// <summary>The analysis, and whether the verbose (-v) report was asked for.</summary>
public sealed record AnalyzeResult(CrashAnalysis Analysis, bool Verbose, int PointerSize);
