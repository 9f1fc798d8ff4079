using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Ntdbg.Tests.Support;

namespace Ntdbg.Tests.Minidump;

/// <summary>
/// What `winedump dump file.dmp` (Wine's own minidump reader) prints, parsed into plain values:
/// header, threads, modules, memory ranges, exception, system and misc info. Run with TZ=UTC so
/// its ctime() timestamps are UTC.
/// </summary>
public sealed partial class WinedumpReport
{
    public sealed class Thread
    {
        public ulong Id, SuspendCount, PriorityClass, Priority, Teb, StackStart, StackEnd;
    }

    public sealed class Module
    {
        public ulong Base, Size, CheckSum;
        public sealed class Handle
        {
            public ulong Value, Attributes, GrantedAccess, HandleCount, PointerCount;
            public string? TypeName, ObjectName;
        }

        public sealed class ThreadInfo
        {
            public ulong ThreadId, DumpFlags, DumpError, ExitStatus, CreateTime, ExitTime, KernelTime, UserTime, StartAddress, Affinity;
        }

        public sealed class Unloaded
        {
            public ulong Base, Size, CheckSum;
            public DateTime TimeDateStamp;
            public string Name = "";
        }

        public DateTime TimeDateStamp;
        public List<Handle> Handles = [];
        public List<ThreadInfo> ThreadInfos = [];
        public List<Unloaded> UnloadedModules = [];
        public string Name = "";
        public string FileVersion = "", ProductVersion = "";
        public int CvRecordSize;
        public uint Signature;
    }

    public sealed class ExceptionRecord
    {
        public ulong ThreadId, Code, Flags, Record, Address, NumberParameters;
        public List<ulong> Parameters = [];
    }

    public sealed class Handle
    {
        public ulong Value, Attributes, GrantedAccess, HandleCount, PointerCount;
        public string? TypeName, ObjectName;
    }

    public sealed class ThreadInfo
    {
        public ulong ThreadId, DumpFlags, DumpError, ExitStatus, CreateTime, ExitTime, KernelTime, UserTime, StartAddress, Affinity;
    }

    public sealed class Unloaded
    {
        public ulong Base, Size, CheckSum;
        public DateTime TimeDateStamp;
        public string Name = "";
    }

    public DateTime TimeDateStamp;
    public List<Handle> Handles = [];
    public List<ThreadInfo> ThreadInfos = [];
    public List<Unloaded> UnloadedModules = [];
    public List<Thread> Threads = [];
    public List<Module> Modules = [];
    public List<(ulong Start, ulong End)> MemoryRanges = [];
    public ExceptionRecord? Exception;
    public int? Processors;
    public uint? Build;
    public string? Csd;
    public string? VendorId;
    public ulong? MiscSize, MiscFlags, ProcessId;
    public DateTime? ProcessCreateTime;
    public List<(int Index, ulong Type)> UndecodedStreams = [];

    public static WinedumpReport Run(string path)
    {
        var psi = new ProcessStartInfo(Tools.Find("winedump") ?? "winedump")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("dump");
        psi.ArgumentList.Add(path);
        psi.Environment["TZ"] = "UTC";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        _ = err.Result;
        return Parse(text);
    }

    public static WinedumpReport Parse(string text)
    {
        var r = new WinedumpReport();
        string section = "";
        Thread? thread = null;
        Module? module = null;
        foreach (var raw in text.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (HexDumpLine().IsMatch(line)) continue;
            string t = line.Trim();
            var stream = StreamLine().Match(line);
            if (stream.Success)
            {
                string kind = stream.Groups[2].Value;
                section = kind.StartsWith("Threads") ? "threads" : kind.StartsWith("Modules (PE)") ? "modules"
                    : kind.StartsWith("Handle data") ? "handles" : kind.StartsWith("Thread Info List") ? "threadinfo"
                    : kind.StartsWith("Unloaded module list") ? "unloaded"
                    : kind.StartsWith("Memory Ranges") ? "memory" : kind.StartsWith("Exception") ? "exception"
                    : kind.StartsWith("System Information") ? "system" : kind.StartsWith("Misc Information") ? "misc" : "other";
                if (kind.StartsWith("NIY ")) r.UndecodedStreams.Add((int.Parse(stream.Groups[1].Value), ulong.Parse(kind[4..])));
                if (section == "exception") r.Exception = new ExceptionRecord();
                continue;
            }
            if (section == "" && t.StartsWith("TimeDateStamp: ")) r.TimeDateStamp = CTime(t["TimeDateStamp: ".Length..]);
            switch (section)
            {
                case "handles":
                    if (t.StartsWith("Handle [")) r.Handles.Add(new Handle());
                    else if (r.Handles.Count > 0 && Field(t, out var hk, out var hv))
                    {
                        var h = r.Handles[^1];
                        switch (hk)
                        {
                            case "Handle": h.Value = Num(hv); break;
                            case "TypeName": h.TypeName = Unquote(hv); break;
                            case "ObjectName": h.ObjectName = Unquote(hv); break;
                            case "Attributes": h.Attributes = Num(hv); break;
                            case "GrantedAccess": h.GrantedAccess = Num(hv); break;
                            case "HandleCount": h.HandleCount = Num(hv); break;
                            case "PointerCount": h.PointerCount = Num(hv); break;
                        }
                    }
                    break;
                case "threadinfo":
                    if (t.StartsWith("Thread [")) r.ThreadInfos.Add(new ThreadInfo());
                    else if (r.ThreadInfos.Count > 0 && Field(t, out var ik, out var iv) && iv.Length > 0)
                    {
                        var ti = r.ThreadInfos[^1];
                        switch (ik)
                        {
                            case "ThreadId": ti.ThreadId = Num(iv); break;
                            case "DumpFlags": ti.DumpFlags = Num(iv); break;
                            case "DumpError": ti.DumpError = Num(iv); break;
                            case "ExitStatus": ti.ExitStatus = Num(iv); break;
                            case "CreateTime": ti.CreateTime = Num(iv); break;
                            case "ExitTime": ti.ExitTime = Num(iv); break;
                            case "KernelTime": ti.KernelTime = Num(iv); break;
                            case "UserTime": ti.UserTime = Num(iv); break;
                            case "StartAddress": ti.StartAddress = Num(iv); break;
                            case "Affinity": ti.Affinity = Num(iv); break;
                        }
                    }
                    break;
                case "unloaded":
                    if (t.StartsWith("Module [")) r.UnloadedModules.Add(new Unloaded());
                    else if (r.UnloadedModules.Count > 0 && Field(t, out var uk, out var uv))
                    {
                        var u = r.UnloadedModules[^1];
                        switch (uk)
                        {
                            case "BaseOfImage": u.Base = Num(uv); break;
                            case "SizeOfImage": u.Size = Num(uv); break;
                            case "CheckSum": u.CheckSum = Num(uv); break;
                            case "TimeDateStamp": u.TimeDateStamp = CTime(uv); break;
                            case "ModuleName": u.Name = Unquote(uv)!; break;
                        }
                    }
                    break;
                case "threads":
                    if (t.StartsWith("Thread: #")) r.Threads.Add(thread = new Thread());
                    else if (thread != null && Field(t, out var k, out var v))
                    {
                        switch (k)
                        {
                            case "ThreadId": thread.Id = Num(v); break;
                            case "SuspendCount": thread.SuspendCount = Num(v); break;
                            case "PriorityClass": thread.PriorityClass = Num(v); break;
                            case "Priority": thread.Priority = Num(v); break;
                            case "Teb": thread.Teb = Num(v); break;
                            case "Stack":
                                var parts = v.Split('-');
                                thread.StackStart = Num(parts[0]);
                                thread.StackEnd = Num(parts[1]);
                                break;
                        }
                    }
                    break;
                case "modules":
                    if (t.StartsWith("Module #")) r.Modules.Add(module = new Module());
                    else if (module != null && t.StartsWith("dwProductVersion ")) module.ProductVersion = t["dwProductVersion ".Length..].Replace(',', '.');
                    else if (module != null && Field(t, out var k, out var v))
                    {
                        switch (k)
                        {
                            case "BaseOfImage": module.Base = Num(v); break;
                            case "SizeOfImage": module.Size = Num(v); break;
                            case "CheckSum": module.CheckSum = Num(v); break;
                            case "TimeDateStamp": module.TimeDateStamp = CTime(v); break;
                            case "ModuleName": module.Name = Unquote(v)!; break;
                            case "dwFileVersion": module.FileVersion = v.Replace(',', '.'); break;
                            case "dwSignature": module.Signature = uint.Parse(v, NumberStyles.HexNumber); break;
                            case "CvRecord": module.CvRecordSize = int.Parse(v.Trim('<', '>')); break;
                        }
                    }
                    break;
                case "memory":
                    if (t.StartsWith("Range: "))
                    {
                        var parts = t["Range: ".Length..].Split('-');
                        r.MemoryRanges.Add((Num(parts[0]), Num(parts[1])));
                    }
                    break;
                case "exception":
                    var x = r.Exception!;
                    var param = ParamLine().Match(t);
                    if (param.Success) x.Parameters.Add(Num(param.Groups[2].Value));
                    else if (Field(t, out var ek, out var ev) && ev.Length > 0)
                    {
                        switch (ek)
                        {
                            case "ThreadId": x.ThreadId = Num(ev); break;
                            case "ExceptionCode": x.Code = Num(ev); break;
                            case "ExceptionFlags": x.Flags = Num(ev); break;
                            case "ExceptionRecord": x.Record = Num(ev); break;
                            case "ExceptionAddress": x.Address = Num(ev); break;
                            case "ExceptionNumberParameters": x.NumberParameters = Num(ev); break;
                        }
                    }
                    break;
                case "system":
                    if (Field(t, out var sk, out var sv))
                    {
                        if (sk == "Processor") r.Processors = int.Parse(CpuCount().Match(sv).Groups[1].Value);
                        else if (sk == "Version") r.Build = uint.Parse(BuildNumber().Match(sv).Groups[1].Value);
                        else if (sk == "CSD") r.Csd = sv[2..^1];
                        else if (sk == "x86.VendorId") r.VendorId = sv;
                    }
                    break;
                case "misc":
                    if (Field(t, out var mk, out var mv))
                    {
                        if (mk == "Size") r.MiscSize = Num(mv);
                        else if (mk == "Flags") r.MiscFlags = Num(mv);
                        else if (mk == "ProcessId") r.ProcessId = Num(mv);
                        else if (mk == "ProcessCreateTime") r.ProcessCreateTime = CTime(mv);
                    }
                    break;
            }
        }
        return r;
    }

    /// <summary>L"C:\\dir\\file" → C:\dir\file; null for anything else (winedump prints no string for RVA 0).</summary>
    private static string? Unquote(string v) =>
        v.StartsWith("L\"") && v.EndsWith('"') ? v[2..^1].Replace(@"\\", @"\") : null;

    private static bool Field(string t, out string key, out string value)
    {
        int c = t.IndexOf(": ", StringComparison.Ordinal);
        if (c < 0)
        {
            key = t.TrimEnd(':');
            value = "";
            return t.EndsWith(':');
        }
        key = t[..c];
        value = t[(c + 2)..].Trim();
        return true;
    }

    /// <summary>winedump prints hex with 0x and decimal without.</summary>
    private static ulong Num(string v)
    {
        v = v.Trim();
        return v.StartsWith("0x") ? ulong.Parse(v[2..], NumberStyles.HexNumber) : ulong.Parse(v, CultureInfo.InvariantCulture);
    }

    /// <summary>ctime() text: "Fri Dec  7 21:18:06 2018".</summary>
    private static DateTime CTime(string v) =>
        DateTime.ParseExact(Regex.Replace(v.Trim(), " +", " "), "ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    [GeneratedRegex(@"^    [0-9a-f]{8}: ")]
    private static partial Regex HexDumpLine();
    [GeneratedRegex(@"^Stream \[(\d+)\]: (.*)$")]
    private static partial Regex StreamLine();
    [GeneratedRegex(@"^\[(\d+)\] : (0x[0-9a-f]+)$")]
    private static partial Regex ParamLine();
    [GeneratedRegex(@"#(\d+) CPUs")]
    private static partial Regex CpuCount();
    [GeneratedRegex(@"\((\d+)\)\s*$")]
    private static partial Regex BuildNumber();
}
