namespace Ntdbg.Synth.Kernel.Scenarios;

/// <summary>
/// The _EPROCESS fields beyond the list entry, each at the build's ISF offset: Peb, CreateTime,
/// ObjectTable (a _HANDLE_TABLE, see <see cref="HandleTableWriter"/>),
/// SeAuditProcessCreationInfo.ImageFileName (an _OBJECT_NAME_INFORMATION with the NT path), and
/// the sessions: one _MM_SESSION_SPACE per session id, its ProcessList linking the members'
/// SessionProcessLinks, and each member's Session pointing at it.
/// </summary>
public static class ProcessDetailsWriter
{
    /// <summary>Where the session structures go, one 1 MiB slot per session id.</summary>
    public const ulong SessionSpaces = 0xFFFF_A381_0000_0000;
    /// <summary>Each process's handle table and image name, one page per process.</summary>
    public const ulong ProcessExtras = 0xFFFF_C08B_7000_0000; // clear of ThreadWriter's objects (…4000_0000) and pool (…4800_0000)
    public const string DevicePrefix = @"\Device\HarddiskVolume2";

    /// <summary>The _MM_SESSION_SPACE address of a session.</summary>
    public static ulong SessionAddress(uint sessionId) => SessionSpaces + sessionId * 0x10_0000UL;

    public static void Write(KernelScenario s)
    {
        var layout = s.Layout;
        var pt = s.Tables;
        for (int i = 0; i < s.Processes.Count; i++)
        {
            var p = s.Processes[i];
            ulong e = s.ProcessObjectAddresses[i];
            pt.WriteVirtualUInt64(e + layout.OffsetOf("_EPROCESS", "Peb"), p.Peb);
            pt.WriteVirtualUInt64(e + layout.OffsetOf("_EPROCESS", "CreateTime"), p.CreateTime);
            ulong extras = ProcessExtras + (ulong)i * 0x1000;
            pt.AllocateAndMap(extras, 1);
            pt.WriteVirtualUInt64(e + layout.OffsetOf("_EPROCESS", "ObjectTable"), extras);
            HandleTableWriter.Write(s, i, extras);
            if (p.ImagePath.Length > 0)
            {
                // _OBJECT_NAME_INFORMATION is a UNICODE_STRING followed by its characters.
                ulong nameInfo = extras + 0x200;
                UserSpaceWriter.WriteUnicodeString(pt, nameInfo, nameInfo + 0x10, DevicePrefix + p.ImagePath[2..]);
                pt.WriteVirtualUInt64(e + layout.OffsetOf("_EPROCESS", "SeAuditProcessCreationInfo.ImageFileName"), nameInfo);
            }
        }
        WriteSessions(s);
    }

    private static void WriteSessions(KernelScenario s)
    {
        var layout = s.Layout;
        var pt = s.Tables;
        ulong links = layout.OffsetOf("_EPROCESS", "SessionProcessLinks");
        foreach (var group in s.Processes.Select((p, i) => (p, i)).Where(x => x.p.SessionId != null).GroupBy(x => x.p.SessionId!.Value))
        {
            ulong session = SessionAddress(group.Key);
            pt.AllocateAndMap(session, (int)((layout.SizeOf("_MM_SESSION_SPACE") + 0xfff) / 0x1000));
            var members = group.Select(x => s.ProcessObjectAddresses[x.i] + links).ToList();
            pt.WriteVirtual(session + layout.OffsetOf("_MM_SESSION_SPACE", "ReferenceCount"), BitConverter.GetBytes(members.Count));
            pt.WriteVirtual(session + layout.OffsetOf("_MM_SESSION_SPACE", "ProcessReferenceToSession"), BitConverter.GetBytes(members.Count));
            pt.WriteVirtual(session + layout.OffsetOf("_MM_SESSION_SPACE", "SessionId"), BitConverter.GetBytes(group.Key));
            pt.WriteVirtual(session + layout.OffsetOf("_MM_SESSION_SPACE", "LocaleId"), BitConverter.GetBytes(0x409u));
            ulong head = session + layout.OffsetOf("_MM_SESSION_SPACE", "ProcessList");
            ListEntryWriter.Link(pt, head, members);
            foreach (ulong member in members)
                pt.WriteVirtualUInt64(member - links + layout.OffsetOf("_EPROCESS", "Session"), session);
        }
    }
}
