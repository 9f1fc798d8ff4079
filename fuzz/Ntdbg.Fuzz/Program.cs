namespace Ntdbg.Fuzz;

public static class Program
{
    public static int Main(string[] args) => 0;
}
