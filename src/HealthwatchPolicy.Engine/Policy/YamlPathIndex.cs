using System.Collections.Generic;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>
/// Maps the position of every key and value in a parsed YAML document to its path
/// (<c>spec.clauses[3].kind</c>), so an error YamlDotNet reports at a position can name its key.
/// </summary>
internal sealed class YamlPathIndex
{
    private readonly Dictionary<(long Line, long Column), string> _paths = new();

    public YamlPathIndex(YamlNode? root)
    {
        if (root is not null)
            Walk(root, "");
    }

    public string? PathAt(Mark mark) =>
        _paths.TryGetValue((mark.Line, mark.Column), out string? path) ? path : null;

    private void Walk(YamlNode node, string path)
    {
        if (path.Length > 0 && !_paths.ContainsKey((node.Start.Line, node.Start.Column)))
            _paths[(node.Start.Line, node.Start.Column)] = path;
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (KeyValuePair<YamlNode, YamlNode> entry in mapping.Children)
                {
                    string key = entry.Key is YamlScalarNode s ? s.Value ?? "" : "?";
                    string child = path.Length == 0 ? key : path + "." + key;
                    _paths[(entry.Key.Start.Line, entry.Key.Start.Column)] = child;
                    Walk(entry.Value, child);
                }
                break;
            case YamlSequenceNode sequence:
                for (int i = 0; i < sequence.Children.Count; i++)
                    Walk(sequence.Children[i], path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
                break;
        }
    }
}
