using Ntdbg.Commands.Commands.Processes;
using Ntdbg.Commands.Session;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Commands.Kernel;

/// <summary>
/// The object manager's header before an object's body: _OBJECT_HEADER.TypeIndex picks the
/// object's _OBJECT_TYPE in nt!ObTypeIndexTable. Windows 10 and later store the index XORed with
/// nt!ObHeaderCookie and the second byte of the header's address; kernels without that cookie
/// store it plainly.
/// </summary>
public static class ObjectHeaders
{
    /// <summary>The type name ("Process", "Thread", ...) of the object whose body is at <paramref name="body"/>; null when any step is unreadable.</summary>
    public static string? TypeName(DebugSession s, ulong body)
    {
        var fields = new KernelFields(s, []);
        if (fields.Type("_OBJECT_HEADER") is not { } header || KernelFields.OffsetOf(header, "Body") is not ulong bodyAt) return null;
        ulong at = body - bodyAt;
        if (fields.Read(header, at, "TypeIndex") is not ulong stored) return null;
        ulong index = stored;
        if (Resolve(s, "nt!ObHeaderCookie") is ulong cookieAt)
        {
            Span<byte> cookie = stackalloc byte[1];
            if (s.Memory.Read(cookieAt, cookie, out _) < 1) return null;
            index = (stored ^ cookie[0] ^ (at >> 8)) & 0xff;
        }
        if (Resolve(s, "nt!ObTypeIndexTable") is not ulong table) return null;
        if (!s.Memory.TryReadPointer(table + index * (ulong)s.PointerSize, s.PointerSize, out ulong type, out _) || type == 0) return null;
        if (fields.Type("_OBJECT_TYPE") is not { } objectType || KernelFields.OffsetOf(objectType, "Name") is not ulong nameAt) return null;
        return UserModuleList.ReadUnicodeString(s, type + nameAt);
    }

    private static ulong? Resolve(DebugSession s, string name)
    {
        try
        {
            return s.TryResolveSymbol(name, out ulong v) ? v : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }
}
