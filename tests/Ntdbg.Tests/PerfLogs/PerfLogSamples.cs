using Ntdbg.Formats.PerfLogs;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>Counter logs built in memory for the chart and report tests (no reader involved).</summary>
internal static class PerfLogSamples
{
    public static readonly CounterPath Paged = new("HOST7", "Memory", null, "Pool Paged Bytes");
    public static readonly CounterPath Nonpaged = new("HOST7", "Memory", null, "Pool Nonpaged Bytes");
    public static readonly CounterPath Handles = new("HOST7", "Process", "svchost#2", "Handle Count");

    public static readonly DateTime Start = new(2026, 3, 14, 9, 30, 0);

    /// <summary>
    /// 120 one-minute samples: paged pool climbing 2 MB a minute from 200 MB with a hole of
    /// samples 40..44 (NaN, as a blank CSV cell reads), non-paged pool flat at 80 MB, and a
    /// handle count around 1,500.
    /// </summary>
    public static CounterLog LeakingPagedPool(int samples = 120, string? timeZone = "W. Europe Standard Time")
    {
        var stamps = Enumerable.Range(0, samples).Select(i => Start.AddMinutes(i)).ToArray();
        var paged = new double[samples];
        var nonpaged = new double[samples];
        var handles = new double[samples];
        for (int i = 0; i < samples; i++)
        {
            paged[i] = i is >= 40 and < 45 ? double.NaN : (200 + 2.0 * i) * 1024 * 1024;
            nonpaged[i] = 80.0 * 1024 * 1024 + (i % 7) * 4096;
            handles[i] = 1500 + (i % 11);
        }
        return new CounterLog("/logs/host7-pool.blg", timeZone, stamps,
            [new CounterSeries(Paged, paged), new CounterSeries(Nonpaged, nonpaged), new CounterSeries(Handles, handles)])
        { TimeZoneBias = timeZone != null ? -60 : null };
    }

    public static string OutputFolder(string test)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestOutput", "PerfLogs", test);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
