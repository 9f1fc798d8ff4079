using Ntdbg.Symbols.Model;
using Ntdbg.Targets.Model;

namespace Ntdbg.Symbols.Loading;

/// <summary>
/// What one attempt to load a module's symbols found: the source (null when nothing was found),
/// the image file found in the symbol store (for code and .pdata the dump lacks), the CodeView
/// key used, every place tried (for `!sym noisy` and `!lmi`), and the one-line reason when it failed.
/// </summary>
public sealed record ModuleSymbolLoad(
    ISymbolSource? Source,
    string? ImagePath,
    CodeViewInfo? CodeView,
    IReadOnlyList<string> Log,
    string? Error);
