using Ntdbg.Targets.Contexts;
using Ntdbg.Formats.Minidump;
using Ntdbg.Targets.Model;

namespace Ntdbg.Targets.User;

/// <summary>Turns raw minidump structures into the target model (modules, machine, times, stack ranges).</summary>
internal static class UserDumpMapping
{
    /// <summary>
    /// Thread stacks as their own descriptors give them. dbghelp also lists them in the memory list, but
    /// not every writer does; duplicates merge away in the index.
    /// </summary>
    internal static IEnumerable<MinidumpMemoryRange> StackRanges(IReadOnlyList<MinidumpThread> threads, MinidumpFile dump)
    {
        foreach (var t in threads)
        {
            var d = t.Stack;
            if (d.Memory.DataSize == 0 || d.StartOfMemoryRange + d.Memory.DataSize < d.StartOfMemoryRange) continue;
            dump.NoteExtent(d.Memory.End);
            yield return new MinidumpMemoryRange(d.StartOfMemoryRange, d.Memory.DataSize, d.Memory.Rva);
        }
    }

    internal static ModuleInfo ToModule(MinidumpModule m)
    {
        CodeViewInfo? cv = m.CodeView is { } c ? new CodeViewInfo(c.Signature, c.PdbPath, c.Guid, c.Age, c.Nb10Signature) : null;
        var v = m.VersionInfo;
        FileVersionInfo? ver = v.IsPresent
            ? new FileVersionInfo(v.FileVersionMs, v.FileVersionLs, v.ProductVersionMs, v.ProductVersionLs, v.FileFlags, v.FileOs,
                v.FileType, v.FileSubtype, ((ulong)v.FileDateMs << 32) | v.FileDateLs)
            : null;
        return new ModuleInfo(m.Name, m.BaseOfImage, m.SizeOfImage, m.TimeDateStamp, m.CheckSum, cv, ver);
    }

    internal static Machine MachineOf(MinidumpSystemInfo? sys, IReadOnlyList<MinidumpThread> threads, MinidumpFile dump)
    {
        if (sys != null)
        {
            var m = sys.ProcessorArchitecture switch
            {
                ProcessorArchitecture.Intel or ProcessorArchitecture.Ia32OnWin64 => Machine.X86,
                ProcessorArchitecture.Amd64 => Machine.X64,
                ProcessorArchitecture.Arm64 => Machine.Arm64,
                _ => Machine.Unknown,
            };
            if (m == Machine.Unknown)
                dump.Warn($"processor architecture {(ushort)sys.ProcessorArchitecture} ({sys.ProcessorArchitecture}) is not supported; registers are not decoded");
            return m;
        }
        dump.Warn("the dump has no system info stream; machine guessed from the context size");
        foreach (var t in threads)
        {
            var m = ContextDecoder.GuessMachine((int)Math.Min(t.Context.DataSize, int.MaxValue));
            if (m != Machine.Unknown) return m;
        }
        return Machine.Unknown;
    }

    internal static TargetTimes BuildTimes(MinidumpHeader header, MinidumpMiscInfo? misc)
    {
        DateTimeOffset? dumpTime = header.TimeDateStamp != 0 ? DateTimeOffset.FromUnixTimeSeconds(header.TimeDateStamp) : null;
        DateTimeOffset? created = misc?.ProcessCreateTime is { } ct and not 0 ? DateTimeOffset.FromUnixTimeSeconds(ct) : null;
        TimeSpan? user = misc?.ProcessUserTime is { } ut ? TimeSpan.FromSeconds(ut) : null;
        TimeSpan? kernel = misc?.ProcessKernelTime is { } kt ? TimeSpan.FromSeconds(kt) : null;
        int? bias = null;
        string? zone = null;
        if (misc?.TimeZone is { } tz)
        {
            // Bias is minutes to add to local time to get UTC; TimeZoneId says which half of the year the dump was in.
            int total = tz.Bias + misc.TimeZoneId switch { 1 => tz.StandardBias, 2 => tz.DaylightBias, _ => 0 };
            bias = -total;
            zone = misc.TimeZoneId == 2 ? tz.DaylightName : tz.StandardName;
            if (string.IsNullOrEmpty(zone)) zone = null;
        }
        return new TargetTimes(dumpTime, null, created, user, kernel, bias, zone);
    }
}
