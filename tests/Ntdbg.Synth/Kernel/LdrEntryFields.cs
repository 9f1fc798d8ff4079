namespace Ntdbg.Synth.Kernel;

/// <summary>
/// Where a loaded-module entry keeps the fields <see cref="KernelStructWriter.WriteModuleList64"/>
/// writes, and how far apart consecutive entries sit (the type's size rounded up to 16).
/// </summary>
public sealed record LdrEntryFields(int Stride, int Links, int DllBase, int SizeOfImage, int FullDllName, int BaseDllName, int? CheckSum, int TimeDateStamp)
{
    /// <summary>_KLDR_DATA_TABLE_ENTRY of x64 Windows 10, in a 0x100-byte slot.</summary>
    public static readonly LdrEntryFields Windows10 = new(KernelStructWriter.LdrEntryStride, 0, 0x30, 0x40, 0x48, 0x58, 0x78, 0x9c);

    /// <summary>
    /// The build's own entry type: _KLDR_DATA_TABLE_ENTRY where its table has one, else
    /// _LDR_DATA_TABLE_ENTRY (Windows 7 and 8.1 tables), which is what PsLoadedModuleList links
    /// there. CheckSum is left out where the type has none (8.1's _LDR_DATA_TABLE_ENTRY).
    /// </summary>
    public static LdrEntryFields From(IsfLayout layout)
    {
        string type = layout.HasType("_KLDR_DATA_TABLE_ENTRY") ? "_KLDR_DATA_TABLE_ENTRY" : "_LDR_DATA_TABLE_ENTRY";
        int At(string field) => (int)layout.OffsetOf(type, field);
        int stride = (int)((layout.SizeOf(type) + 15) & ~15UL);
        return new LdrEntryFields(stride, At("InLoadOrderLinks"), At("DllBase"), At("SizeOfImage"), At("FullDllName"), At("BaseDllName"),
            layout.HasField(type, "CheckSum") ? At("CheckSum") : null, At("TimeDateStamp"));
    }
}
