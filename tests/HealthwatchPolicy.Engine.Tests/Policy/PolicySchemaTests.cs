using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Policy;
using Json.Schema;
using YamlDotNet.RepresentationModel;

namespace HealthwatchPolicy.Engine.Tests.Policy;

/// <summary>The editor schema and the loader describe one shape: checked both ways.</summary>
public class PolicySchemaTests
{
    private static readonly JsonSchema s_schema = JsonSchema.FromFile(Repo.SchemaPath);

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv =>
            new KeyValuePair<string, JsonNode?>(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } p when long.TryParse(p.Value, out long n) => JsonValue.Create(n),
        YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } p when p.Value is "true" or "false" => JsonValue.Create(p.Value == "true"),
        YamlScalarNode p => JsonValue.Create(p.Value),
        _ => null,
    };

    private static EvaluationResults Evaluate(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        JsonElement element = JsonSerializer.SerializeToElement(ToJson(stream.Documents[0].RootNode));
        return s_schema.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    [Fact]
    public void Bundled_policy_validates_against_the_schema()
    {
        EvaluationResults r = Evaluate(File.ReadAllText(Repo.PolicyPath));
        Assert.True(r.IsValid, string.Join("\n", (r.Details ?? new List<EvaluationResults>()).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Theory]
    [InlineData("maxPostersPerAccount: 3", "maxPostersPerAccount: 3\n    colour: red")]
    [InlineData("kind: enforced\n      checks: [PolicyReview]", "kind: enforced\n      checks: [Nope]")]
    [InlineData("undecidedAction: Flag", "undecidedAction: Ignore")]
    [InlineData("apiVersion: healthwatch.policy/v1", "apiVersion: healthwatch.policy/v2")]
    // issue 11: loose scalars, ranges, lengths and characters
    [InlineData("guestsMayPost: false", "guestsMayPost: y")]
    [InlineData("guestsMayPost: false", "guestsMayPost: yes")]
    [InlineData("guestsMayPost: false", "guestsMayPost: \"false\"")]
    [InlineData("maxPostersPerAccount: 3", "maxPostersPerAccount: 3_0")]
    [InlineData("maxPostersPerAccount: 3", "maxPostersPerAccount: \"3\"")]
    [InlineData("maxPostersPerAccount: 3", "maxPostersPerAccount: 101")]
    [InlineData("dueDays: 14", "dueDays: 3000000")]
    [InlineData("graceDays: 7", "graceDays: 2147483647")]
    [InlineData("intervalMonths: 1", "intervalMonths: 13")]
    [InlineData("reviewIntervalMonths: 12", "reviewIntervalMonths: 61")]
    [InlineData("nextReviewDue: 2019-10-01", "nextReviewDue: 9999-12-31")]
    [InlineData("version: \"2018.10\"", "version: \"2018.10.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0\"")]
    [InlineData("text: (This policy is available in alternative formats on request)", "text: \"(This \\u202Epolicy is available in alternative formats on request)\"")]
    [InlineData("text: (This policy is available in alternative formats on request)", "text: \"(This \\u001B[31mpolicy is available in alternative formats on request)\"")]
    [InlineData("title: About this policy", "title: \"About this \\u0007policy\"")]
    // F3/F10: identifier-like values with white space at an end or a line break; invisible format characters
    [InlineData("postingGroupPrefix: HW-Posting", "postingGroupPrefix: \"HW-Posting\\n\"")]
    [InlineData("version: \"2018.10\"", "version: \" 2018.10 \"")]
    [InlineData("eligibleEmployeeTypes: [Staff, Volunteer]", "eligibleEmployeeTypes: [\" Staff \", Volunteer]")]
    [InlineData("user: sarah.whitfield@hwsefton.example", "user: \"sarah.whitfield@hwsefton.example\\n\"")]
    [InlineData("- id: SMP-1.1", "- id: \"SMP-1.1\\n\"")]
    [InlineData("- id: about", "- id: \"about\\n\"")]
    [InlineData("covers: [Staff, Volunteer", "covers: [\"Staff\\n\", Volunteer")]
    [InlineData("platforms: [Facebook,", "platforms: [\"Facebook\\n\",")]
    [InlineData("name: healthwatch-sefton-social-media", "name: \"healthwatch\\nsefton\"")]
    [InlineData("effective: 2018-10-01", "effective: \"2018-10-01 \"")]
    [InlineData("title: Healthwatch Sefton Social Media Policy", "title: \"Healthwatch Sefton\\nSocial Media Policy\"")]
    [InlineData("title: Healthwatch Sefton Social Media Policy", "title: \"Healthwatch\\u200B Sefton Social Media Policy\"")]
    [InlineData("title: About this policy", "title: \"About this\\u2060 policy\"")]
    public void Schema_and_loader_both_refuse_the_same_mistakes(string from, string to)
    {
        string bad = File.ReadAllText(Repo.PolicyPath).Replace(from, to);
        Assert.NotEqual(File.ReadAllText(Repo.PolicyPath), bad);
        Assert.False(Evaluate(bad).IsValid);
        Assert.False(PolicyLoader.LoadText(bad, "x.yaml").IsValid);
    }

    [Fact]
    public void Schema_names_exactly_the_keys_the_loader_reads()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Repo.SchemaPath));
        static string[] Keys(JsonElement obj) =>
            obj.GetProperty("properties").EnumerateObject().Select(p => p.Name).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        static string[] Props(Type t) => t.GetProperties().Where(p => p.Name != "Start")
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name.Substring(1)).OrderBy(n => n, StringComparer.Ordinal).ToArray();

        JsonElement root = doc.RootElement;
        JsonElement spec = root.GetProperty("properties").GetProperty("spec");
        JsonElement specProps = spec.GetProperty("properties");
        JsonElement parameters = specProps.GetProperty("parameters");
        Assert.Equal(Props(typeof(PolicyFileYaml)), Keys(root));
        Assert.Equal(Props(typeof(MetadataYaml)), Keys(root.GetProperty("properties").GetProperty("metadata")));
        Assert.Equal(Props(typeof(SpecYaml)), Keys(spec));
        Assert.Equal(Props(typeof(ScopeYaml)), Keys(specProps.GetProperty("scope")));
        Assert.Equal(Props(typeof(RoleYaml)), Keys(specProps.GetProperty("roles").GetProperty("items")));
        Assert.Equal(Props(typeof(ParametersYaml)), Keys(parameters));
        Assert.Equal(Props(typeof(AccessReviewYaml)), Keys(parameters.GetProperty("properties").GetProperty("accessReview")));
        Assert.Equal(Props(typeof(ExceptionsYaml)), Keys(parameters.GetProperty("properties").GetProperty("exceptions")));
        Assert.Equal(Props(typeof(SectionYaml)), Keys(specProps.GetProperty("sections").GetProperty("items")));
        Assert.Equal(Props(typeof(ClauseYaml)), Keys(specProps.GetProperty("clauses").GetProperty("items")));

        string[] checks = specProps.GetProperty("clauses").GetProperty("items").GetProperty("properties").GetProperty("checks")
            .GetProperty("items").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).OrderBy(n => n).ToArray();
        Assert.Equal(CheckCatalog.Names.OrderBy(n => n).ToArray(), checks);
    }

    /// <summary>The schema's node for a loader key (<c>spec.roles.id</c>; a list's key means its items).</summary>
    private static JsonElement SchemaNode(JsonElement root, string key)
    {
        JsonElement node = root;
        foreach (string part in key.Split('.'))
        {
            if (node.TryGetProperty("items", out JsonElement items))
                node = items;
            node = node.GetProperty("properties").GetProperty(part);
        }
        return node.TryGetProperty("items", out JsonElement listItems) ? listItems : node;
    }

    [Fact]
    public void Schema_states_every_range_and_length_the_loader_enforces()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Repo.SchemaPath));
        foreach ((string key, (int min, int max)) in PolicyLimits.NumberRange)
        {
            JsonElement node = SchemaNode(doc.RootElement, key);
            Assert.Equal("integer", node.GetProperty("type").GetString());
            Assert.True(node.GetProperty("minimum").GetInt32() == min, key);
            Assert.True(node.GetProperty("maximum").GetInt32() == max, key);
        }
        // these are bounded by their const, enum or pattern instead of a maxLength
        string[] boundedOtherwise =
        {
            "apiVersion", "kind", "metadata.effective", "metadata.nextReviewDue", "spec.parameters.postingGroupPrefix",
            "spec.parameters.accessReview.undecidedAction", "spec.clauses.kind", "spec.clauses.form", "spec.clauses.checks",
        };
        foreach ((string key, int length) in PolicyLimits.FieldLength)
        {
            JsonElement node = SchemaNode(doc.RootElement, key);
            if (node.TryGetProperty("maxLength", out JsonElement maxLength))
                Assert.True(maxLength.GetInt32() == length, $"{key}: schema {maxLength.GetInt32()}, loader {length}");
            else
                Assert.True(boundedOtherwise.Contains(key), $"{key} has no maxLength in the schema");
        }
    }
}
