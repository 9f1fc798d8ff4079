namespace Ntdbg.Commands.Commands.Display;

public enum DisplayFormat
{
    Bytes,       // db
    Words,       // dw
    Dwords,      // dd
    Qwords,      // dq
    DwordsAscii, // dc
    Ascii,       // da
    Unicode,     // du
    Pointers,    // dp
    PointersSymbols, // dps dqs dds
}
