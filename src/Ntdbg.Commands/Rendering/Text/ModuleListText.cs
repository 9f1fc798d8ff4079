using Ntdbg.Commands.Commands.Modules;
using Ntdbg.Core.Memory;

namespace Ntdbg.Commands.Rendering.Text;

public sealed class ModuleListText : TextRenderer<ModuleListResult>
{
    protected override void Render(ModuleListResult r, TextWriter output)
    {
        if (r.NamesOnly)
        {
            foreach (var m in r.Modules) output.WriteLine(m.Name);
            return;
        }
        output.WriteLine(r.PointerSize == 8 ? "start             end                 module name" : "start    end        module name");
        foreach (var m in r.Modules)
        {
            string line = $"{Hex.Pointer(m.Base, r.PointerSize)} {Hex.Pointer(m.End, r.PointerSize)}   {m.Name,-10} {m.SymbolStatus}";
            if (r.FullPath) line += $" {m.ImagePath}";
            output.WriteLine(line.TrimEnd());
            if (r.Verbose) WriteVerbose(m, output);
        }
        if (r.Unloaded is { Count: > 0 })
        {
            output.WriteLine();
            output.WriteLine("Unloaded modules:");
            foreach (var u in r.Unloaded)
                output.WriteLine($"{Hex.Pointer(u.Base, r.PointerSize)} {Hex.Pointer(u.End, r.PointerSize)}   {u.ImageName}");
        }
    }

    private static void WriteVerbose(ModuleRow m, TextWriter o)
    {
        int slash = m.ImagePath.LastIndexOfAny(['\\', '/']);
        o.WriteLine($"    Image path: {m.ImagePath}");
        o.WriteLine($"    Image name: {(slash >= 0 ? m.ImagePath[(slash + 1)..] : m.ImagePath)}");
        if (m.PdbPath != null) o.WriteLine($"    PDB:              {m.PdbPath} ({m.PdbKey})");
        o.WriteLine($"    Timestamp:        {WinDbgTime.CTime(WinDbgTime.FromUnix(m.TimeDateStamp))} ({m.TimeDateStamp:X8})");
        o.WriteLine($"    CheckSum:         {m.CheckSum:X8}");
        o.WriteLine($"    ImageSize:        {m.End - m.Base:X8}");
        if (m.Version is { } v)
        {
            o.WriteLine($"    File version:     {v.FileVersion}");
            o.WriteLine($"    Product version:  {v.ProductVersion}");
            o.WriteLine($"    File flags:       {v.FileFlags:X} (Mask 3F)");
            o.WriteLine($"    File OS:          {v.FileOs:X} {FileOsName(v.FileOs)}");
            o.WriteLine($"    File type:        {v.FileType:X}.{v.FileSubtype:X} {FileTypeName(v.FileType)}");
            o.WriteLine($"    File date:        {v.FileDate >> 32:X8}.{v.FileDate & 0xffffffff:X8}");
        }
    }

    private static string FileOsName(uint os) => os switch
    {
        0x40004 => "NT Win32",
        0x40000 => "NT",
        0x4 => "Win32",
        _ => "Unknown",
    };

    private static string FileTypeName(uint t) => t switch
    {
        1 => "App",
        2 => "Dll",
        3 => "Driver",
        4 => "Font",
        5 => "VxD",
        7 => "Static library",
        _ => "Unknown",
    };
}
