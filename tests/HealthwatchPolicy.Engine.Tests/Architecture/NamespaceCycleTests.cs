using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using Xunit.Abstractions;

namespace HealthwatchPolicy.Engine.Tests.Architecture;

/// <summary>
/// The engine's namespaces form a layering: no namespace reaches, directly or through others, back to itself.
/// The graph is read from the compiled assembly, not the source: base types and interfaces, fields, properties,
/// method and constructor signatures, and every type, method and field a method body names (its IL tokens).
/// </summary>
public sealed class NamespaceCycleTests
{
    private const string Root = "HealthwatchPolicy.Engine";
    private readonly ITestOutputHelper _output;

    public NamespaceCycleTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void The_engine_namespaces_have_no_cycle()
    {
        Dictionary<string, Dictionary<string, string>> graph = NamespaceGraph.Of(typeof(HwEngine).Assembly, Root);
        foreach (KeyValuePair<string, Dictionary<string, string>> node in graph.OrderBy(n => n.Key, StringComparer.Ordinal))
            _output.WriteLine($"{node.Key} -> {string.Join(", ", node.Value.Keys.OrderBy(k => k, StringComparer.Ordinal))}");

        List<string>? cycle = NamespaceGraph.FindCycle(graph);

        Assert.True(cycle is null, cycle is null ? "" : "Namespace cycle:\n" + NamespaceGraph.Describe(graph, cycle));
    }

    [Fact]
    public void The_graph_sees_references_made_only_inside_a_method_body()
    {
        // HwEngine names LocalStateStore only in a method body (Open): the IL scan must find that edge.
        Dictionary<string, Dictionary<string, string>> graph = NamespaceGraph.Of(typeof(HwEngine).Assembly, Root);

        Assert.Contains(Root + ".Local", graph[Root].Keys);
    }

    [Fact]
    public void A_cycle_is_found_and_described()
    {
        var graph = new Dictionary<string, Dictionary<string, string>>
        {
            ["A"] = new() { ["B"] = "A.X uses B.Y" },
            ["B"] = new() { ["C"] = "B.Y uses C.Z" },
            ["C"] = new() { ["A"] = "C.Z uses A.X" },
            ["D"] = new() { ["A"] = "D.W uses A.X" },
        };

        List<string>? cycle = NamespaceGraph.FindCycle(graph);

        Assert.NotNull(cycle);
        Assert.Equal(3, cycle!.Count);
        Assert.Contains("C.Z uses A.X", NamespaceGraph.Describe(graph, cycle));
    }
}

/// <summary>Namespace -> namespaces it references, each edge with one example of why.</summary>
internal static class NamespaceGraph
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    public static Dictionary<string, Dictionary<string, string>> Of(Assembly assembly, string root)
    {
        var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (Type type in assembly.GetTypes())
        {
            string? from = type.Namespace;
            if (from is null || !from.StartsWith(root, StringComparison.Ordinal))
                continue;
            if (!graph.ContainsKey(from))
                graph[from] = new Dictionary<string, string>(StringComparer.Ordinal);
            void Use(Type? used, string how)
            {
                foreach (Type t in Flatten(used))
                    if (t.Assembly == assembly && t.Namespace is { } to && to != from && to.StartsWith(root, StringComparison.Ordinal)
                        && !graph[from].ContainsKey(to))
                        graph[from][to] = $"{Name(type)} {how} {Name(t)}";
            }

            Use(type.BaseType, "derives from");
            foreach (Type i in type.GetInterfaces())
                Use(i, "implements");
            foreach (FieldInfo f in type.GetFields(All))
                Use(f.FieldType, $"has field {f.Name} of");
            foreach (PropertyInfo p in type.GetProperties(All))
                Use(p.PropertyType, $"has property {p.Name} of");
            foreach (MethodBase m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                if (m is MethodInfo mi)
                    Use(mi.ReturnType, $"returns from {m.Name}");
                foreach (ParameterInfo p in m.GetParameters())
                    Use(p.ParameterType, $"takes in {m.Name}");
                foreach (Type t in BodyReferences(m))
                    Use(t, $"names in {m.Name}'s body");
            }
        }
        return graph;
    }

    /// <summary>The types a method body names: the owners of the methods and fields it uses, and its type tokens.</summary>
    private static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null)
            yield break;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            i += il[i] == 0xFE ? 2 : 1;
            OpCode op = s_opCodes[value];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    int token = BitConverter.ToInt32(il, i);
                    MemberInfo? member = null;
                    try { member = method.Module.ResolveMember(token, typeArgs, methodArgs); }
                    catch (ArgumentException) { }
                    if (member is Type t)
                        yield return t;
                    else if (member is not null)
                    {
                        if (member.DeclaringType is { } owner)
                            yield return owner;
                        if (member is FieldInfo f)
                            yield return f.FieldType;
                        if (member is MethodInfo m)
                        {
                            yield return m.ReturnType;
                            foreach (Type g in m.IsGenericMethod ? m.GetGenericArguments() : Type.EmptyTypes)
                                yield return g;
                        }
                    }
                    i += 4;
                    break;
                case OperandType.InlineSwitch:
                    i += 4 + 4 * BitConverter.ToInt32(il, i);
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    i += 1;
                    break;
                case OperandType.InlineVar:
                    i += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    i += 8;
                    break;
                default:
                    i += 4;
                    break;
            }
        }
    }

    /// <summary>A type and every type it is built from (array elements, generic arguments, by-ref targets).</summary>
    private static IEnumerable<Type> Flatten(Type? type)
    {
        if (type is null || type.IsGenericParameter)
            yield break;
        if (type.HasElementType)
        {
            foreach (Type t in Flatten(type.GetElementType()))
                yield return t;
            yield break;
        }
        yield return type;
        if (type.IsConstructedGenericType)
            foreach (Type arg in type.GetGenericArguments())
                foreach (Type t in Flatten(arg))
                    yield return t;
    }

    private static string Name(Type t) => t.FullName ?? t.Name;

    /// <summary>One cycle as its namespaces in order, or null when the graph is acyclic.</summary>
    public static List<string>? FindCycle(Dictionary<string, Dictionary<string, string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (string next in graph.TryGetValue(node, out Dictionary<string, string>? edges) ? edges.Keys.OrderBy(k => k, StringComparer.Ordinal) : Enumerable.Empty<string>())
            {
                if (state.TryGetValue(next, out int s) && s == 1)
                    return path.Skip(path.IndexOf(next)).ToList();
                if (!state.ContainsKey(next) && Visit(next) is { } found)
                    return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (string node in graph.Keys.OrderBy(k => k, StringComparer.Ordinal))
            if (!state.ContainsKey(node) && Visit(node) is { } cycle)
                return cycle;
        return null;
    }

    public static string Describe(Dictionary<string, Dictionary<string, string>> graph, List<string> cycle) =>
        string.Join("\n", cycle.Select((ns, i) => $"  {ns} -> {cycle[(i + 1) % cycle.Count]}: {graph[ns][cycle[(i + 1) % cycle.Count]]}"));
}
