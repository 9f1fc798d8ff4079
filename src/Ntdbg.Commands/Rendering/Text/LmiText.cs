using Ntdbg.Commands.Commands.Lmi;

namespace Ntdbg.Commands.Rendering.Text;

/// <summary>!lmi in WinDbg's layout: right-aligned labels, then the debug directory and load report.</summary>
public sealed class LmiText : TextRenderer<LmiResult>
{
    protected override void Render(LmiResult r, TextWriter o)
    {
        o.WriteLine($"Loaded Module Info: [{r.Module}] ");
        o.WriteLine($"         Module: {r.Module}");
        o.WriteLine($"   Base Address: {r.Base:x16}");
        o.WriteLine($"     Image Name: {r.ImageName}");
        o.WriteLine($"   Machine Type: {(r.Machine is ushort m ? $"{m:X} ({MachineName(m)})" : "unknown (image header not available)")}");
        o.WriteLine($"     Time Stamp: {r.TimeDateStamp:x8} {WinDbgTime.CTime(WinDbgTime.FromUnix(r.TimeDateStamp))}");
        o.WriteLine($"           Size: {r.Size:x}");
        o.WriteLine($"       CheckSum: {r.CheckSum:x}");
        o.WriteLine($"Characteristics: {(r.Characteristics is ushort c ? c.ToString("x") : "unknown")}");
        if (r.CodeView is { } cv)
        {
            o.WriteLine("Debug Data Dirs: Type  Size     VA  Pointer");
            o.WriteLine(cv.Signature == "RSDS"
                ? $"             CODEVIEW {cv.Signature} - GUID: {{{cv.Guid.ToString().ToUpperInvariant()}}}"
                : $"             CODEVIEW {cv.Signature} - Sig: {cv.Nb10Signature:x}");
            o.WriteLine($"               Age: {cv.Age}, Pdb: {cv.PdbPath}");
        }
        else o.WriteLine("Debug Data Dirs: none readable");
        o.WriteLine($"     Image Type: {r.ImageType}");
        o.WriteLine($"    Symbol Type: {r.SymbolType.ToUpperInvariant()}");
        if (r.SymbolFile != null) o.WriteLine($"                 {r.SymbolFile}");
        o.WriteLine($"    Load Report: {(r.Error ?? (r.SymbolFile != null ? r.SymbolType : "not loaded"))}");
        foreach (var line in r.LoadReport) o.WriteLine($"                 {line}");
    }

    private static string MachineName(ushort m) => m switch
    {
        0x8664 => "X64",
        0x14c => "I386",
        0xaa64 => "ARM64",
        _ => "unknown",
    };
}
