using Ntdbg.Targets.Model;

namespace Ntdbg.Commands.Commands.Lmi;

public sealed record LmiResult(
    string Module,
    ulong Base,
    string ImageName,
    ushort? Machine,
    uint TimeDateStamp,
    ulong Size,
    uint CheckSum,
    ushort? Characteristics,
    CodeViewInfo? CodeView,
    string ImageType,
    string SymbolType,
    string? SymbolFile,
    IReadOnlyList<string> LoadReport,
    string? Error);
