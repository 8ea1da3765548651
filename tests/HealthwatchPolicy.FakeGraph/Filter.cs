using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>Which operators a property supports with and without advanced query parameters.</summary>
internal sealed class FilterRule
{
    public FilterRule(string property, string defaultOps, string advancedOps = "")
    {
        Property = property;
        Default = new HashSet<string>(defaultOps.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
        Advanced = new HashSet<string>(advancedOps.Split(' ', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase);
    }

    public string Property { get; }
    public HashSet<string> Default { get; }
    public HashSet<string> Advanced { get; }
}

/// <summary>
/// A small OData <c>$filter</c> parser for the cases Graph's directory supports by default: <c>eq</c>, <c>in</c>,
/// <c>startswith</c>, <c>and</c>/<c>or</c>, parentheses, <c>groupTypes/any(c:c eq 'x')</c>; and the advanced-only ones
/// (<c>ne</c>, <c>not</c>, <c>endswith</c>, <c>eq null</c>) when the request has <c>$count=true</c> + <c>ConsistencyLevel: eventual</c>.
/// String literals use OData escaping: a quote inside is doubled (<c>'O''Brien'</c>). String comparison is case-insensitive.
/// </summary>
internal sealed class FilterParser
{
    private readonly List<Token> _tokens;
    private readonly string _resource;
    private readonly string _typeName;
    private readonly Dictionary<string, FilterRule> _rules;
    private readonly bool _advanced;
    private int _pos;

    private FilterParser(string text, string resource, string typeName, IEnumerable<FilterRule> rules, bool advanced)
    {
        _tokens = Tokenize(text);
        _resource = resource;
        _typeName = typeName;
        _rules = rules.ToDictionary(r => r.Property, StringComparer.OrdinalIgnoreCase);
        _advanced = advanced;
    }

    /// <summary>Parses and validates a filter. The predicate receives a property getter (canonical name → string, bool, list of strings or null).</summary>
    public static Func<Func<string, object?>, bool> Parse(string text, string resource, string typeName, IEnumerable<FilterRule> rules, bool advanced, int maxClauses)
    {
        var parser = new FilterParser(text, resource, typeName, rules, advanced);
        Node node = parser.ParseOr();
        if (parser.Peek.Kind != TokenKind.End)
            throw Invalid($"syntax error at position {parser.Peek.Position} in '{text}'.");
        int clauses = node.Clauses;
        if (clauses > maxClauses)
            throw GraphError.Unsupported($"Too many child clauses specified in search filter expression containing 'OR' operators: {clauses}. Max allowed: {maxClauses}.");
        return node.Eval;
    }

    private static GraphError Invalid(string detail) => new(400, "BadRequest", "Invalid filter clause: " + detail);

    private abstract class Node
    {
        public abstract bool Eval(Func<string, object?> get);
        public virtual int Clauses => 1;
    }

    private sealed class OrNode(List<Node> parts) : Node
    {
        public override bool Eval(Func<string, object?> get) => parts.Any(p => p.Eval(get));
        public override int Clauses => parts.Sum(p => p.Clauses);
    }

    private sealed class AndNode(List<Node> parts) : Node
    {
        public override bool Eval(Func<string, object?> get) => parts.All(p => p.Eval(get));
        public override int Clauses => parts.Max(p => p.Clauses);
    }

    private sealed class NotNode(Node inner) : Node
    {
        public override bool Eval(Func<string, object?> get) => !inner.Eval(get);
        public override int Clauses => inner.Clauses;
    }

    private sealed class LeafNode(Func<Func<string, object?>, bool> eval, int clauses = 1) : Node
    {
        public override bool Eval(Func<string, object?> get) => eval(get);
        public override int Clauses => clauses;
    }

    private Node ParseOr()
    {
        var parts = new List<Node> { ParseAnd() };
        while (IsKeyword("or"))
        {
            _pos++;
            parts.Add(ParseAnd());
        }
        return parts.Count == 1 ? parts[0] : new OrNode(parts);
    }

    private Node ParseAnd()
    {
        var parts = new List<Node> { ParseUnary() };
        while (IsKeyword("and"))
        {
            _pos++;
            parts.Add(ParseUnary());
        }
        return parts.Count == 1 ? parts[0] : new AndNode(parts);
    }

    private Node ParseUnary()
    {
        if (IsKeyword("not"))
        {
            _pos++;
            RequireAdvancedOperator("not");
            return new NotNode(ParseUnary());
        }
        return ParsePrimary();
    }

    private Node ParsePrimary()
    {
        Token t = Next();
        if (t.Kind == TokenKind.LParen)
        {
            Node inner = ParseOr();
            Expect(TokenKind.RParen);
            return inner;
        }
        if (t.Kind != TokenKind.Ident)
            throw Invalid($"unexpected '{t.Text}' at position {t.Position}.");

        string name = t.Text;
        string lower = name.ToLowerInvariant();
        if ((lower is "startswith" or "endswith") && Peek.Kind == TokenKind.LParen)
        {
            _pos++;
            string prop = Property(Expect(TokenKind.Ident).Text, lower);
            Expect(TokenKind.Comma);
            object? lit = Literal();
            Expect(TokenKind.RParen);
            if (lit is not string prefix)
                throw Invalid($"{name} needs a string literal.");
            bool starts = lower == "startswith";
            return new LeafNode(get => get(prop) is string s && (starts
                ? s.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
                : s.EndsWith(prefix, StringComparison.OrdinalIgnoreCase)));
        }
        if (lower.EndsWith("/any", StringComparison.Ordinal) && Peek.Kind == TokenKind.LParen)
        {
            string collection = Property(name.Substring(0, name.Length - 4), "any");
            _pos++;
            string variable = Expect(TokenKind.Ident).Text;
            Expect(TokenKind.Colon);
            string v2 = Expect(TokenKind.Ident).Text;
            if (!string.Equals(variable, v2, StringComparison.Ordinal))
                throw Invalid($"unknown range variable '{v2}'.");
            if (!IsKeyword("eq"))
                throw Unsupported(collection);
            _pos++;
            object? lit = Literal();
            Expect(TokenKind.RParen);
            return new LeafNode(get => get(collection) is IEnumerable<string> items && items.Any(i => Same(i, lit)));
        }

        Token op = Next();
        if (op.Kind != TokenKind.Ident)
            throw Invalid($"expected an operator after '{name}' at position {op.Position}.");
        string opName = op.Text.ToLowerInvariant();
        switch (opName)
        {
            case "eq":
            case "ne":
            {
                object? lit = Literal();
                string prop = Property(name, lit is null ? "eqnull" : opName);
                bool negate = opName == "ne";
                return new LeafNode(get => Same(get(prop), lit) != negate);
            }
            case "ge":
            case "le":
            case "gt":
            case "lt":
            {
                object? lit = Literal();
                string prop = Property(name, opName);
                return new LeafNode(get =>
                {
                    if (get(prop) is not string s || lit is not string l)
                        return false;
                    int c = string.Compare(s, l, StringComparison.OrdinalIgnoreCase);
                    return opName switch { "ge" => c >= 0, "le" => c <= 0, "gt" => c > 0, _ => c < 0 };
                });
            }
            case "in":
            {
                string prop = Property(name, "in");
                Expect(TokenKind.LParen);
                var values = new List<object?> { Literal() };
                while (Peek.Kind == TokenKind.Comma)
                {
                    _pos++;
                    values.Add(Literal());
                }
                Expect(TokenKind.RParen);
                return new LeafNode(get =>
                {
                    object? v = get(prop);
                    return values.Any(l => Same(v, l));
                }, values.Count);
            }
            default:
                throw Invalid($"unknown operator '{op.Text}' at position {op.Position}.");
        }
    }

    private static bool Same(object? value, object? literal) => (value, literal) switch
    {
        (null, null) => true,
        (string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase),
        (bool a, bool b) => a == b,
        _ => false,
    };

    /// <summary>Canonical property name, after checking the operator is allowed for it (default or advanced).</summary>
    private string Property(string name, string op)
    {
        if (!_rules.TryGetValue(name, out FilterRule? rule))
        {
            if (Array.IndexOf(s_knownButUnfilterable, name.ToLowerInvariant()) >= 0)
                throw Unsupported(name);
            throw new GraphError(400, "BadRequest", $"Could not find a property named '{name}' on type '{_typeName}'.");
        }
        if (rule.Default.Contains(op))
            return rule.Property;
        if (rule.Advanced.Contains(op))
        {
            RequireAdvancedOperator(op);
            return rule.Property;
        }
        throw Unsupported(rule.Property);
    }

    private static readonly string[] s_knownButUnfilterable = { "createddatetime", "businessphones", "mobilephone", "officelocation", "preferredlanguage" };

    private GraphError Unsupported(string property) =>
        GraphError.Unsupported($"Unsupported or invalid query filter clause specified for property '{property}' of resource '{_resource}'.");

    private void RequireAdvancedOperator(string op)
    {
        if (_advanced)
            return;
        string shown = op switch { "startswith" => "startsWith", "endswith" => "endsWith", "eqnull" => "eq", _ => op };
        throw GraphError.Unsupported($"Operator '{shown}' is not supported because the required parameters might be missing. " +
            "Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information");
    }

    private object? Literal()
    {
        Token t = Next();
        switch (t.Kind)
        {
            case TokenKind.String:
                return t.Text;
            case TokenKind.Number:
                return t.Text;
            case TokenKind.Ident when t.Text.Equals("true", StringComparison.OrdinalIgnoreCase):
                return true;
            case TokenKind.Ident when t.Text.Equals("false", StringComparison.OrdinalIgnoreCase):
                return false;
            case TokenKind.Ident when t.Text.Equals("null", StringComparison.OrdinalIgnoreCase):
                return null;
            default:
                throw Invalid($"expected a literal at position {t.Position}, found '{t.Text}'.");
        }
    }

    private bool IsKeyword(string word) => Peek.Kind == TokenKind.Ident && Peek.Text.Equals(word, StringComparison.OrdinalIgnoreCase);
    private Token Peek => _tokens[_pos];
    private Token Next() => _tokens[_pos < _tokens.Count - 1 ? _pos++ : _pos];

    private Token Expect(TokenKind kind)
    {
        Token t = Next();
        if (t.Kind != kind)
            throw Invalid($"expected {kind} at position {t.Position}, found '{t.Text}'.");
        return t;
    }

    private enum TokenKind { Ident, String, Number, LParen, RParen, Comma, Colon, End }

    private readonly record struct Token(TokenKind Kind, string Text, int Position);

    private static List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int start = i;
            switch (c)
            {
                case '(': tokens.Add(new(TokenKind.LParen, "(", i++)); continue;
                case ')': tokens.Add(new(TokenKind.RParen, ")", i++)); continue;
                case ',': tokens.Add(new(TokenKind.Comma, ",", i++)); continue;
                case ':': tokens.Add(new(TokenKind.Colon, ":", i++)); continue;
                case '\'':
                {
                    var sb = new StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= s.Length)
                            throw Invalid($"unterminated string literal at position {start}.");
                        if (s[i] == '\'')
                        {
                            if (i + 1 < s.Length && s[i + 1] == '\'')
                            {
                                sb.Append('\'');
                                i += 2;
                                continue;
                            }
                            i++;
                            break;
                        }
                        sb.Append(s[i++]);
                    }
                    // An unescaped quote inside a literal ('O'Brien') leaves an identifier glued to the literal's end.
                    if (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '\''))
                        throw Invalid($"syntax error at position {i}: a quote inside a string literal must be doubled ('').");
                    tokens.Add(new(TokenKind.String, sb.ToString(), start));
                    continue;
                }
            }
            if (char.IsDigit(c) || (c == '-' && i + 1 < s.Length && char.IsDigit(s[i + 1])))
            {
                i++;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '.' or '-' or ':'))
                    i++;
                tokens.Add(new(TokenKind.Number, s.Substring(start, i - start), start));
                continue;
            }
            if (char.IsLetter(c) || c is '_' or '@' or '$')
            {
                i++;
                while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] is '_' or '.' or '/'))
                    i++;
                tokens.Add(new(TokenKind.Ident, s.Substring(start, i - start), start));
                continue;
            }
            throw Invalid($"unexpected character '{c}' at position {i}.");
        }
        tokens.Add(new(TokenKind.End, "<end>", s.Length));
        return tokens;
    }

    internal static string Describe(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        string s => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
