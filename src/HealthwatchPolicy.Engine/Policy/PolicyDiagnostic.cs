namespace HealthwatchPolicy.Engine.Policy;

/// <summary>One problem found while loading a policy file: where it is and what is wrong.</summary>
public sealed class PolicyDiagnostic
{
    /// <summary>A problem at <paramref name="file"/>:<paramref name="line"/>:<paramref name="column"/> (from 1), at the YAML key path <paramref name="key"/> (or null), described by <paramref name="message"/>.</summary>
    public PolicyDiagnostic(string file, int line, int column, string? key, string message)
    {
        File = file;
        Line = line;
        Column = column;
        Key = key;
        Message = message;
    }

    /// <summary>The policy file the problem is in.</summary>
    public string File { get; }
    /// <summary>1-based line.</summary>
    public int Line { get; }
    /// <summary>1-based column.</summary>
    public int Column { get; }
    /// <summary>The offending key (a YAML path such as <c>spec.clauses[3].kind</c>), when known.</summary>
    public string? Key { get; }
    /// <summary>What is wrong and, where it can, what is expected.</summary>
    public string Message { get; }

    /// <summary><c>file:line:column: key: message</c>, the form editors link.</summary>
    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(Key is null ? "" : Key + ": ")}{Message}";
}
