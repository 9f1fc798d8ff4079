using Ntdbg.Core.Memory;

namespace Ntdbg.Stacks.Unwind.X86;

/// <summary>
/// Runs the postfix programs that PDB frame data and breakpad STACK WIN/CFI records carry
/// ("$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + ="): numbers (decimal, or hex with
/// 0x), variables ($eip, $T0, .raSearch, .cfa), binary operators + - * / % and @ (align down),
/// unary ^ (read a 32-bit value from memory) and = (assign). Values are 32-bit. A program that
/// underflows its stack, divides by zero, names an unset variable or reads missing memory fails
/// with the reason; nothing is guessed.
/// </summary>
public sealed class PostfixProgram(IVirtualMemory memory)
{
    private const int MaxTokens = 4096;

    /// <summary>Runs a whole program (assignments) over the variables; false with the problem on any error.</summary>
    public bool Run(string program, Dictionary<string, uint> variables, out string? problem, ISet<string>? assigned = null)
    {
        var stack = new Stack<Operand>();
        return Execute(program, variables, stack, out problem, assigned) && EndsEmpty(stack, program, out problem);
    }

    /// <summary>Evaluates one expression (a CFI rule's right side) to a value.</summary>
    public bool Evaluate(string expression, Dictionary<string, uint> variables, out uint value, out string? problem)
    {
        value = 0;
        var stack = new Stack<Operand>();
        if (!Execute(expression, variables, stack, out problem)) return false;
        if (stack.Count != 1) return Fail($"'{expression}' leaves {stack.Count} values, not 1", out problem);
        return Resolve(stack.Pop(), variables, out value, out problem);
    }

    private bool Execute(string program, Dictionary<string, uint> variables, Stack<Operand> stack, out string? problem, ISet<string>? assigned = null)
    {
        problem = null;
        var tokens = Tokenize(program);
        if (tokens.Count > MaxTokens) return Fail($"program of {tokens.Count} tokens is too long", out problem);
        foreach (string token in tokens)
        {
            switch (token)
            {
                case "+" or "-" or "*" or "/" or "%" or "@":
                    if (!PopValue(stack, variables, out uint b, out problem) || !PopValue(stack, variables, out uint a, out problem)) return false;
                    if (token is "/" or "%" or "@" && b == 0) return Fail($"'{token}' by zero in '{program}'", out problem);
                    stack.Push(Operand.Of(token switch
                    {
                        "+" => a + b,
                        "-" => a - b,
                        "*" => a * b,
                        "/" => a / b,
                        "%" => a % b,
                        _ => a & ~(b - 1),
                    }));
                    break;
                case "^":
                    if (!PopValue(stack, variables, out uint address, out problem)) return false;
                    if (!memory.TryReadUInt32(address, out uint read, out var fault))
                        return Fail($"{address:x8} unreadable ({fault?.Detail ?? "missing"})", out problem);
                    stack.Push(Operand.Of(read));
                    break;
                case "=":
                    if (!PopValue(stack, variables, out uint value, out problem)) return false;
                    if (stack.Count == 0 || stack.Pop() is not { Name: { } name }) return Fail($"'=' without a variable in '{program}'", out problem);
                    variables[name] = value;
                    assigned?.Add(name);
                    break;
                default:
                    if (token[0] is '$' or '.') stack.Push(Operand.Variable(RegisterName(token)));
                    else if (TryNumber(token, out uint n)) stack.Push(Operand.Of(n));
                    else return Fail($"'{token}' is neither a number, a variable nor an operator", out problem);
                    break;
            }
        }
        return true;
    }

    // MSVC writes some programs without a space after "=" ("$T0 $ebp 204 + =$eip ..."); such a
    // token is the operator followed by the next operand.
    private static List<string> Tokenize(string program)
    {
        var tokens = new List<string>();
        foreach (string word in program.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.Length > 1 && word[0] == '=' && word[1] is '$' or '.')
            {
                tokens.Add("=");
                tokens.Add(word[1..]);
            }
            else tokens.Add(word);
        }
        return tokens;
    }

    // Programs name some registers by their CodeView numbers ("$20 $T0 16 - ^ =" restores EBX).
    private static string RegisterName(string token) => token switch
    {
        "$17" => "$eax",
        "$18" => "$ecx",
        "$19" => "$edx",
        "$20" => "$ebx",
        "$21" => "$esp",
        "$22" => "$ebp",
        "$23" => "$esi",
        "$24" => "$edi",
        _ => token,
    };

    private static bool EndsEmpty(Stack<Operand> stack, string program, out string? problem)
    {
        problem = stack.Count == 0 ? null : $"'{program}' leaves {stack.Count} unused values";
        return problem == null;
    }

    private static bool TryNumber(string token, out uint value)
    {
        bool negative = token.StartsWith('-');
        string digits = negative ? token[1..] : token;
        bool ok = digits.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? uint.TryParse(digits.AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out value)
            : uint.TryParse(digits, out value);
        if (negative) value = unchecked(0u - value);
        return ok;
    }

    private static bool PopValue(Stack<Operand> stack, Dictionary<string, uint> variables, out uint value, out string? problem)
    {
        value = 0;
        if (stack.Count == 0) return Fail("stack underflow", out problem);
        return Resolve(stack.Pop(), variables, out value, out problem);
    }

    private static bool Resolve(Operand operand, Dictionary<string, uint> variables, out uint value, out string? problem)
    {
        problem = null;
        if (operand.Name == null)
        {
            value = operand.Value;
            return true;
        }
        if (variables.TryGetValue(operand.Name, out value)) return true;
        return Fail($"{operand.Name} is not set", out problem);
    }

    private static bool Fail(string why, out string? problem)
    {
        problem = why;
        return false;
    }

    private readonly record struct Operand(string? Name, uint Value)
    {
        public static Operand Of(uint value) => new(null, value);
        public static Operand Variable(string name) => new(name, 0);
    }
}
