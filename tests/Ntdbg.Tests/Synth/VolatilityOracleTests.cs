using System.Diagnostics;
using System.Text.Json;
using Ntdbg.Synth.Kernel;
using Ntdbg.Synth.Kernel.Scenarios;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Synth;

/// <summary>
/// Volatility 3 as an independent reader of the synthetic kernel dumps: when NTDBG_VOLATILITY3
/// names a checkout (the folder with vol.py), windows.info, windows.pslist and windows.modules
/// run on the basic scenario of every build, full and bitmap, and must find the build's symbol
/// table by the image's RSDS record and list exactly the scenario's processes and drivers —
/// with the KDBG plain (Volatility finds the kernel through it) and, from 9600 on, encoded (it
/// must find the kernel image by scanning).
/// NTDBG_VOLATILITY3_PYTHON picks the interpreter (it needs pefile); default /usr/bin/python3.
/// </summary>
public sealed class VolatilityOracleTests
{
    public static TheoryData<int, KernelDumpBuilder.Layout, bool> Cases()
    {
        var data = new TheoryData<int, KernelDumpBuilder.Layout, bool>();
        foreach (int build in IsfLayout.BuildGuidPrefix.Keys)
            foreach (var format in new[] { KernelDumpBuilder.Layout.Full, KernelDumpBuilder.Layout.Bitmap })
                foreach (bool encoded in build >= 9600 ? new[] { false, true } : [false])
                    data.Add(build, format, encoded);
        return data;
    }

    [VolatilityTheory]
    [MemberData(nameof(Cases))]
    public void VolatilityListsTheScenariosProcessesAndDrivers(int build, KernelDumpBuilder.Layout format, bool encodedKdbg)
    {
        string isf = TestData.Shared("kernel/isf");
        var scenario = KernelScenario.Basic(IsfLayout.ForBuild(isf, build), build);
        scenario.EncodeKdbg = encodedKdbg;
        string dir = Directory.CreateTempSubdirectory("ntdbg-vol3-").FullName;
        try
        {
            string dump = Path.Combine(dir, $"basic-{build}-{format}.dmp");
            File.WriteAllBytes(dump, scenario.Write(format));

            var info = Volatility.Run(dump, isf, dir, "windows.info").ToDictionary(r => r.GetProperty("Variable").GetString()!, r => r.GetProperty("Value").GetString()!);
            Assert.Contains(scenario.Layout.PdbKey, info["Symbols"], StringComparison.OrdinalIgnoreCase);
            Assert.Equal($"0x{KernelScenario.KernelBase & Volatility.AddressMask:x}", info["Kernel Base"]);
            // Volatility shows the KDBG only when it reads the tag in the clear.
            Assert.Equal(encodedKdbg ? null : $"0x{scenario.KdDebuggerDataBlock & Volatility.AddressMask:x}", info.GetValueOrDefault("KdDebuggerDataBlock"));

            var processes = Volatility.Run(dump, isf, dir, "windows.pslist");
            Assert.Equal(scenario.Processes.Select(p => (p.Pid, p.ParentPid, p.ImageName)),
                processes.Select(r => (r.GetProperty("PID").GetUInt64(), r.GetProperty("PPID").GetUInt64(), r.GetProperty("ImageFileName").GetString()!)));
            Assert.Equal(scenario.ProcessObjectAddresses.Select(a => a & Volatility.AddressMask), processes.Select(r => r.GetProperty("Offset(V)").GetUInt64()));
            // Threads (ActiveThreads), the session (EPROCESS.Session → _MM_SESSION_SPACE.SessionId) and CreateTime, as Volatility reads them.
            Assert.Equal(scenario.Processes.Select(p => (ulong)p.Threads.Count), processes.Select(r => r.GetProperty("Threads").GetUInt64()));
            Assert.Equal(scenario.Processes.Select(p => p.SessionId), processes.Select(r => r.GetProperty("SessionId").ValueKind == JsonValueKind.Null ? (uint?)null : r.GetProperty("SessionId").GetUInt32()));
            Assert.Equal(scenario.Processes.Select(p => DateTimeOffset.FromFileTime((long)p.CreateTime).ToUnixTimeSeconds()),
                processes.Select(r => DateTimeOffset.Parse(r.GetProperty("CreateTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds()));

            // Every thread on the processes' thread lists: its _ETHREAD, process, id and start address.
            var threads = Volatility.Run(dump, isf, dir, "windows.threads");
            Assert.Equal(scenario.Processes.SelectMany(p => p.Threads.Select(t => (t.Address & Volatility.AddressMask, p.Pid, t.Tid, t.StartAddress & Volatility.AddressMask))),
                threads.Select(r => (r.GetProperty("Offset").GetUInt64(), r.GetProperty("PID").GetUInt64(), r.GetProperty("TID").GetUInt64(), r.GetProperty("StartAddress").GetUInt64())));

            var modules = Volatility.Run(dump, isf, dir, "windows.modules");
            Assert.Equal(scenario.Drivers.Select(d => (d.Base & Volatility.AddressMask, (ulong)d.Size, d.FileName)),
                modules.Select(r => (r.GetProperty("Base").GetUInt64(), r.GetProperty("Size").GetUInt64(), r.GetProperty("Name").GetString()!)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

/// <summary>Runs a Volatility 3 plugin with the JSON renderer and returns its rows.</summary>
public static class Volatility
{
    /// <summary>Volatility prints kernel addresses without their sign extension (48 bits).</summary>
    public const ulong AddressMask = 0x0000_FFFF_FFFF_FFFF;

    public static string? Checkout
    {
        get
        {
            string? path = Environment.GetEnvironmentVariable("NTDBG_VOLATILITY3");
            return !string.IsNullOrEmpty(path) && File.Exists(Path.Combine(path, "vol.py")) ? path : null;
        }
    }

    public static string Python =>
        Environment.GetEnvironmentVariable("NTDBG_VOLATILITY3_PYTHON") is { Length: > 0 } p ? p : File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static List<JsonElement> Run(string dump, string isf, string workDir, string plugin, params string[] pluginArgs)
    {
        Directory.CreateDirectory(Path.Combine(workDir, "cache")); // Volatility's symbol cache (sqlite) is not created with its folder
        var psi = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        string[] arguments = [Path.Combine(Checkout!, "vol.py"), "-q", "--offline", "--cache-path", Path.Combine(workDir, "cache"), "-s", isf, "-f", dump, "-r", "json", plugin, .. pluginArgs];
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{plugin} exited with {process.ExitCode}: {stderr.Result}");
        int start = output.IndexOf('[');
        Assert.True(start >= 0, $"{plugin} printed no JSON: {output}{stderr.Result}");
        using var doc = JsonDocument.Parse(output[start..]);
        return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }
}

/// <summary>A theory that runs only with NTDBG_VOLATILITY3 set to a Volatility 3 checkout and the shared ISF tables present.</summary>
public sealed class VolatilityTheoryAttribute : TheoryAttribute
{
    public VolatilityTheoryAttribute()
    {
        if (TestData.SharedRoot == null) Skip = "../shared/testdata is absent: Volatility cross-check skipped";
        else if (Volatility.Checkout == null) Skip = "NTDBG_VOLATILITY3 does not name a Volatility 3 checkout (a folder with vol.py): Volatility cross-check skipped";
    }
}
