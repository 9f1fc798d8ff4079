using Ntdbg.Core.IO;

namespace Ntdbg.Formats.Minidump;

/// <summary>MINIDUMP_EXCEPTION_STREAM: the faulting thread, its EXCEPTION_RECORD64 and the context at the fault.</summary>
public sealed record MinidumpException(uint ThreadId, uint ExceptionCode, uint ExceptionFlags, ulong ExceptionRecord,
    ulong ExceptionAddress, uint NumberParameters, IReadOnlyList<ulong> ExceptionInformation, MinidumpLocation Context);

/// <summary>ExceptionStream (6): 168 bytes.</summary>
public static class ExceptionStream
{
    public const int Size = 168;
    public const int MaxParameters = 15;

    public static MinidumpException? Read(MinidumpFile dump, MinidumpDirectoryEntry entry)
    {
        var body = dump.Body(entry);
        if (body.DeclaredSize < Size)
            throw dump.Error(body.Offset, $"exception stream is {body.DeclaredSize} bytes, smaller than MINIDUMP_EXCEPTION_STREAM ({Size})");
        if (!body.Has(Size))
        {
            dump.Warn("exception stream lies past the end of the file");
            return null;
        }
        var s = body.Data;
        uint n = Le.U32(s, 32);
        if (n > MaxParameters)
        {
            dump.Warn($"exception record claims {n} parameters; only {MaxParameters} exist");
            n = MaxParameters;
        }
        var p = new ulong[n];
        for (int i = 0; i < n; i++) p[i] = Le.U64(s, 40 + 8 * i);
        return new MinidumpException(Le.U32(s, 0), Le.U32(s, 8), Le.U32(s, 12), Le.U64(s, 16), Le.U64(s, 24), Le.U32(s, 32), p,
            MinidumpLocation.Read(s, 160));
    }
}
