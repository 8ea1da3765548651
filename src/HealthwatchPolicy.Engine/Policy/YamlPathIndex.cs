using System.Collections.Generic;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>
/// Maps the position of every key and value in a YAML document to its path (<c>spec.clauses[3].kind</c>) and back,
/// so an error reported at a position can name its key and a problem with a key can name its position.
/// Built by <see cref="YamlStructure.Scan"/> from parser events: nothing here recurses.
/// </summary>
internal sealed class YamlPathIndex
{
    private readonly Dictionary<(long Line, long Column), string> _paths = new();
    private readonly Dictionary<string, Mark> _marks = new();

    public string? PathAt(Mark mark) =>
        _paths.TryGetValue((mark.Line, mark.Column), out string? path) ? path : null;

    /// <summary>Where the node at <paramref name="path"/> starts, when the file has one there.</summary>
    public Mark? MarkOf(string path) => _marks.TryGetValue(path, out Mark mark) ? mark : null;

    internal void Add(Mark at, string path, bool isKey)
    {
        if (path.Length == 0)
            return;
        if (isKey || !_paths.ContainsKey((at.Line, at.Column)))
            _paths[(at.Line, at.Column)] = path;
        if (!isKey)
            _marks[path] = at;
    }
}

/// <summary>
/// The first pass over a policy text: YamlDotNet's parser events only, before any representation model or
/// deserializer exists, so that a hostile file costs at most one linear pass. Refuses anchors and aliases (a policy
/// has no use for them, and they are how a few bytes become a cycle or an exponential expansion), explicit tags,
/// nesting deeper than <see cref="PolicyLimits.MaxDepth"/>, more than <see cref="PolicyLimits.MaxNodes"/> nodes,
/// scalars longer than <see cref="PolicyLimits.MaxScalarLength"/>, refused characters written as escapes, and any
/// number of documents but one; each at its own position. Builds the <see cref="YamlPathIndex"/> on the way.
/// </summary>
internal static class YamlStructure
{
    private const int MaxDiagnostics = 20;

    private sealed class Frame
    {
        public Frame(bool isMapping, string path)
        {
            IsMapping = isMapping;
            Path = path;
        }

        public bool IsMapping { get; }
        public string Path { get; }
        public bool ExpectKey { get; set; } = true;
        public string Key { get; set; } = "";
        public int Index { get; set; }
    }

    /// <summary>Scans the text; any diagnostics mean the file must not be read further.</summary>
    public static List<PolicyDiagnostic> Scan(string text, string file, YamlPathIndex index)
    {
        var found = new List<PolicyDiagnostic>();
        var stack = new Stack<Frame>();
        var parser = new Parser(new System.IO.StringReader(text));
        int documents = 0, nodes = 0;
        bool rootSeen = false;

        void Add(Mark at, string? key, string message)
        {
            if (found.Count < MaxDiagnostics)
                found.Add(new PolicyDiagnostic(file, (int)System.Math.Max(1, at.Line), (int)System.Math.Max(1, at.Column), key, message));
        }

        while (parser.MoveNext())
        {
            ParsingEvent e = parser.Current!;
            switch (e)
            {
                case DocumentStart:
                    documents++;
                    if (documents > 1)
                    {
                        Add(e.Start, null, "A policy file holds exactly one YAML document; a second one starts here.");
                        return found;
                    }
                    continue;
                case MappingEnd or SequenceEnd:
                    stack.Pop();
                    continue;
                case not NodeEvent and not AnchorAlias:
                    continue;
            }

            ParsingEvent node = e;
            if (++nodes > PolicyLimits.MaxNodes)
            {
                Add(node.Start, null, $"The policy file holds more than {PolicyLimits.MaxNodes:N0} YAML values (the limit).");
                return found;
            }

            string path = PathOf(stack, node, out bool isKey);
            index.Add(node.Start, path, isKey);
            string? key = path.Length == 0 ? null : path;

            if (!rootSeen)
            {
                rootSeen = true;
                if (node is not MappingStart)
                    Add(node.Start, null, "The policy document must be a mapping with apiVersion, kind, metadata and spec.");
            }
            if (node is AnchorAlias alias)
                Add(node.Start, key, $"Aliases (*{alias.Value}) are not allowed in a policy file: write the value out in full.");
            else if (node is NodeEvent { Anchor.IsEmpty: false } anchored)
                Add(node.Start, key, $"Anchors (&{anchored.Anchor}) are not allowed in a policy file: write each value out in full.");
            if (node is NodeEvent { Tag.IsEmpty: false } tagged)
                Add(node.Start, key, $"Tags ({tagged.Tag}) are not allowed in a policy file: write the plain value.");

            switch (node)
            {
                case Scalar scalar:
                    if (scalar.Value.Length > PolicyLimits.MaxScalarLength)
                        Add(node.Start, key, $"This value is {scalar.Value.Length:N0} characters long; no value in a policy may be longer than {PolicyLimits.MaxScalarLength:N0}.");
                    else
                        foreach (char c in scalar.Value)
                            if (PolicyLimits.IsRefusedCharacter(c))
                            {
                                Add(node.Start, key, $"This value holds the character {PolicyLimits.Describe(c)} ({PolicySource.CharacterName(c)}), which is not allowed in a policy file.");
                                break;
                            }
                    break;
                case MappingStart or SequenceStart:
                    if (isKey)
                        Add(node.Start, key, "A key must be a plain name, not a list or a mapping.");
                    if (stack.Count + 1 > PolicyLimits.MaxDepth)
                    {
                        Add(node.Start, key, $"The policy nests lists and mappings more than {PolicyLimits.MaxDepth} deep (the limit).");
                        return found;
                    }
                    stack.Push(new Frame(node is MappingStart, path));
                    break;
            }
            if (found.Count >= MaxDiagnostics)
                return found;
        }

        if (documents == 0)
            Add(Mark.Empty, null, "The policy file is empty: it holds no YAML document.");
        return found;
    }

    private static string PathOf(Stack<Frame> stack, ParsingEvent node, out bool isKey)
    {
        isKey = false;
        if (stack.Count == 0)
            return "";
        Frame top = stack.Peek();
        if (!top.IsMapping)
            return Join(top.Path, "[" + (top.Index++).ToString(CultureInfo.InvariantCulture) + "]", bracket: true);
        if (top.ExpectKey)
        {
            top.ExpectKey = false;
            isKey = true;
            top.Key = node is Scalar s ? Shorten(s.Value) : "?";
            return Join(top.Path, top.Key, bracket: false);
        }
        top.ExpectKey = true;
        return Join(top.Path, top.Key, bracket: false);
    }

    private static string Shorten(string key) => key.Length <= 64 ? key : key.Substring(0, 64) + "…";

    private static string Join(string path, string part, bool bracket) =>
        bracket || path.Length == 0 ? path + part : path + "." + part;
}
