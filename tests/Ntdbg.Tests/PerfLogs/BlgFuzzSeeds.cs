using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.PerfLogs;

/// <summary>Seeds for the blg fuzz target: the real sample log, or without shared data a minimal empty log.</summary>
public static class BlgFuzzSeeds
{
    public static List<byte[]> All()
    {
        if (TestData.SharedRoot is string shared && File.Exists(Path.Combine(shared, "perf", "SampleLog.blg")))
            return [File.ReadAllBytes(Path.Combine(shared, "perf", "SampleLog.blg"))];
        // One 4 KiB ETW buffer: buffer header, then the logfile header event (system header type 1,
        // flags 0xC0) with 4-byte pointers and no samples.
        var b = new byte[0x1000];
        BitConverter.GetBytes(0x1000u).CopyTo(b, 0);
        BitConverter.GetBytes(0x240u).CopyTo(b, 0x30);
        b[0x48] = 2;
        b[0x4a] = 1;
        b[0x4b] = 0xC0;
        BitConverter.GetBytes((ushort)0x1f0).CopyTo(b, 0x4c);
        BitConverter.GetBytes(4u).CopyTo(b, 0x68 + 0x2c);
        return [b];
    }
}
