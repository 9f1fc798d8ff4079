namespace Ntdbg.Cli.PerfLog;

/// <summary>
/// `ntdbg perflog &lt;verb&gt; ...`: performance counter logs (.blg, CSV, TSV). Each verb lives in its
/// own file; adding one is one line in <see cref="Verbs"/>.
/// </summary>
public static class PerfLogCommand
{
    private static readonly (string Name, Func<string[], TextWriter, TextWriter, int> Run, string Usage)[] Verbs =
    [
        ("dump", PerfLogDumpCommand.Run, PerfLogDumpCommand.Usage),
        ("leak", PerfLeakCommand.Run, PerfLeakCommand.Usage),
        ("chart", PerfLogChartVerb.Run, PerfLogChartVerb.Usage),
        ("report", PerfLogReportVerb.Run, PerfLogReportVerb.Usage),
    ];

    public static string Usage => string.Join(Environment.NewLine, Verbs.Select(v => v.Usage));

    /// <param name="args">The arguments after `perflog`: the verb, then its own arguments.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length > 0)
        {
            foreach (var verb in Verbs)
            {
                if (verb.Name == args[0]) return verb.Run(args[1..], output, error);
            }
            error.WriteLine($"ntdbg perflog: unknown verb '{args[0]}'");
        }
        error.WriteLine(Usage);
        return 2;
    }
}
