using Ntdbg.Commands.Engine;
using Ntdbg.Core.Errors;

namespace Ntdbg.Commands.Commands.Display;

internal static class DisplayLimit
{
    /// <summary>Refuses (rather than silently cuts) a display larger than the command will hold.</summary>
    public static int Check(ulong length)
    {
        if (length > (ulong)Limits.MaxDisplayOutputBytes)
            throw new CommandException($"Range error: displaying 0x{length:x} bytes exceeds the 0x{Limits.MaxDisplayOutputBytes:x}-byte display limit; use .writemem for larger ranges");
        return (int)length;
    }
}
