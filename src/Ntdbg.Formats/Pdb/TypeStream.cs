namespace Ntdbg.Formats.Pdb;

/// <summary>Placeholder, replaced by the TPI/IPI reader.</summary>
public sealed class TypeStream
{
    public static TypeStream Read(MsfFile msf, int index, string name) => new();
}
