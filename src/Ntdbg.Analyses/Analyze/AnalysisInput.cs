using Ntdbg.Analyses.Stacks;
using Ntdbg.Core.Memory;
using Ntdbg.Symbols.Loading;
using Ntdbg.Targets;
using Ntdbg.Targets.Model;

namespace Ntdbg.Analyses.Analyze;

/// <summary>What a crash analysis reads: the target, its memory (with stored images filling holes), its symbols and stack walker, and the thread context in force.</summary>
public sealed record AnalysisInput(ITarget Target, IVirtualMemory Memory, SymbolManager Symbols, TargetStacks Stacks, RegisterContext? CurrentContext);
