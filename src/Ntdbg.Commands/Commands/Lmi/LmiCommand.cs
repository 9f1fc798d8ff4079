using Ntdbg.Commands.Engine;
using Ntdbg.Core.Errors;
using Ntdbg.Core.IO;
using Ntdbg.Core.Memory;
using Ntdbg.Formats.Pe;
using Ntdbg.Symbols.Loading;

namespace Ntdbg.Commands.Commands.Lmi;

/// <summary>
/// !lmi module: what the debugger knows of one module — its header fields (from the image in
/// the dump, else the image found in the symbol store), its CodeView key, where its symbols
/// came from and the load report. Loads the module's symbols if they are deferred.
/// </summary>
[Command("!lmi", Summary = "Detailed information about a module and its symbols", Usage = "!lmi Module|Address")]
public sealed class LmiCommand : ICommand
{
    public object? Execute(CommandContext context)
    {
        string arg = context.Arguments.Trim();
        if (arg.Length == 0) throw new CommandException("!lmi: a module name or address is needed");
        var table = context.Session.SymbolTable;
        var module = table.Find(arg);
        if (module == null)
        {
            ulong address = context.Args.ReadExpression();
            module = table.FindByAddress(address) ?? throw new CommandException($"!lmi: {arg} is not in any module");
        }
        if (module.Status == SymbolStatus.Deferred) table.Load(module);
        var load = module.LastLoad;

        var header = ReadHeader(context.Session.Memory, module, load?.ImagePath, out string imageType);
        var cv = load?.CodeView ?? module.Module.CodeView;
        return new LmiResult(
            module.Name, module.Module.Base, module.Module.FileName, header?.FileHeader.Machine, module.Module.TimeDateStamp,
            module.Module.Size, module.Module.CheckSum, header?.FileHeader.Characteristics, cv, imageType,
            module.Source != null ? ModuleSymbolLoader.Describe(module.Source) : "none", module.Source?.FilePath,
            load?.Log ?? [], load?.Error);
    }

    private static PeImage? ReadHeader(IVirtualMemory memory, ModuleSymbols module, string? storedImage, out string imageType)
    {
        try
        {
            var image = PeImage.FromMemory(memory, module.Module.Base, module.Name);
            imageType = "MEMORY - Image read successfully from loaded memory.";
            return image;
        }
        catch (Exception e) when (e is MemoryFaultException or DumpFormatException)
        {
            imageType = $"none - image header not readable from the dump: {e.Message}";
        }
        if (storedImage == null) return null;
        try
        {
            // The header fields are copied out, so the mapping can close again.
            using var file = MappedFile.Open(storedImage);
            var image = PeImage.FromFile(file);
            imageType = $"FILE - Image read from {storedImage}";
            return image;
        }
        catch (Exception e) when (e is DumpFormatException or IOException or UnauthorizedAccessException)
        {
            imageType += $"; {storedImage}: {e.Message}";
            return null;
        }
    }
}
