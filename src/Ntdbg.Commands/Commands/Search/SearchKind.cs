namespace Ntdbg.Commands.Commands.Search;

public enum SearchKind { Ascii, Unicode, Bytes, Words, Dwords, Qwords }
