namespace HealthwatchPolicy.Engine.Policy;

/// <summary>One problem found while loading a policy file: where it is and what is wrong.</summary>
public sealed class PolicyDiagnostic
{
    public PolicyDiagnostic(string file, int line, int column, string? key, string message)
    {
        File = file;
        Line = line;
        Column = column;
        Key = key;
        Message = message;
    }

    public string File { get; }
    /// <summary>1-based line.</summary>
    public int Line { get; }
    /// <summary>1-based column.</summary>
    public int Column { get; }
    /// <summary>The offending key (a YAML path such as <c>spec.clauses[3].kind</c>), when known.</summary>
    public string? Key { get; }
    public string Message { get; }

    public override string ToString() =>
        $"{File}:{Line}:{Column}: {(Key is null ? "" : Key + ": ")}{Message}";
}
