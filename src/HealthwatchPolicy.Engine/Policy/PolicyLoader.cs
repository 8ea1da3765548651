using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;
using YamlDotNet.Serialization.NodeDeserializers;

namespace HealthwatchPolicy.Engine.Policy;

/// <summary>The outcome of loading a policy file: a policy, or the reasons there is none. Never half a policy.</summary>
public sealed class PolicyLoadResult
{
    internal PolicyLoadResult(PolicyDocument? policy, IReadOnlyList<PolicyDiagnostic> diagnostics)
    {
        Policy = policy;
        Diagnostics = diagnostics;
    }

    /// <summary>The loaded policy, or null when it has errors.</summary>
    public PolicyDocument? Policy { get; }
    /// <summary>Every problem found, with its line and column.</summary>
    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; }
    /// <summary>True when the policy loaded without errors.</summary>
    public bool IsValid => Policy is not null;

    /// <summary>The policy, or a <see cref="PolicyInvalidException"/> naming every problem.</summary>
    public PolicyDocument GetPolicyOrThrow() => Policy ?? throw new PolicyInvalidException(Diagnostics);
}

/// <summary>A policy file that did not validate. The message names file, line, column and key of each problem.</summary>
public sealed class PolicyInvalidException : HwException
{
    /// <summary>A policy file with problems: the id <c>PolicyInvalid</c>, a message that lists <paramref name="diagnostics"/>.</summary>
    public PolicyInvalidException(IReadOnlyList<PolicyDiagnostic> diagnostics)
        : base(ErrorIds.PolicyInvalid, Describe(diagnostics), diagnostics.FirstOrDefault()?.File)
    {
        Diagnostics = diagnostics;
    }

    /// <summary>Every problem found, with its line and column.</summary>
    public IReadOnlyList<PolicyDiagnostic> Diagnostics { get; }

    private static string Describe(IReadOnlyList<PolicyDiagnostic> diagnostics)
    {
        var sb = new StringBuilder("The policy file is not valid");
        sb.Append(diagnostics.Count == 1 ? ": " : $" ({diagnostics.Count} problems): ");
        sb.Append(string.Join(" ", diagnostics.Take(10).Select(d => d.ToString())));
        if (diagnostics.Count > 10)
            sb.Append(" (and ").Append(diagnostics.Count - 10).Append(" more)");
        return sb.ToString();
    }
}

/// <summary>Loads and strictly validates <c>policy/*.yaml</c> (apiVersion <c>healthwatch.policy/v1</c>).</summary>
public static class PolicyLoader
{
    /// <summary>The only <c>apiVersion</c> this module reads.</summary>
    public const string SupportedApiVersion = "healthwatch.policy/v1";
    /// <summary>The only <c>kind</c> this module reads.</summary>
    public const string DocumentKind = "SocialMediaPolicy";
    /// <summary>The consent role that means "the account owner's line manager" rather than a named role.</summary>
    public const string LineManager = "LineManager";
    internal static readonly string[] RequiredRoles = { "Manager", "CommunicationsOfficer" };
    private static readonly Regex s_clauseId = new(@"^[A-Z][A-Z0-9]*-[0-9]+(\.[0-9]+)*$", RegexOptions.CultureInvariant);
    private static readonly Regex s_sectionId = new(@"^[a-z][a-z0-9-]*$", RegexOptions.CultureInvariant);
    private static readonly Regex s_groupPrefix = new(@"^[A-Za-z0-9][A-Za-z0-9_-]{0,29}$", RegexOptions.CultureInvariant);
    private static readonly Regex s_unknownProperty = new(@"Property '([^']*)' not found", RegexOptions.CultureInvariant);

    private static readonly IDeserializer s_deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithTypeConverter(new YScalarConverter())
        .WithNodeDeserializer(inner => new MarkingNodeDeserializer(inner), s => s.InsteadOf<ObjectNodeDeserializer>())
        .WithDuplicateKeyChecking()
        .Build();

    /// <summary>Loads a policy file. I/O failures become diagnostics too.</summary>
    public static PolicyLoadResult Load(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return Fail(new PolicyDiagnostic(full, 0, 0, null, "Cannot read the policy file: " + ex.Message));
        }
        return LoadText(text, full);
    }

    /// <summary>Loads policy text; <paramref name="file"/> names it in diagnostics.</summary>
    public static PolicyLoadResult LoadText(string text, string file)
    {
        YamlStream stream = new();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            return Fail(FromYamlException(ex, file, null, text));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet's scanner occasionally fails without a YamlException (found by PolicyMutationTests):
            // report it where parsing stopped.
            return Fail(AtParser(parser, file, "Malformed YAML near here; check indentation, quotes and brackets."));
        }

        if (stream.Documents.Count != 1)
            return Fail(new PolicyDiagnostic(file, 1, 1, null,
                $"A policy file holds exactly one YAML document; this one holds {stream.Documents.Count}."));
        YamlNode root = stream.Documents[0].RootNode;
        if (root is not YamlMappingNode)
            return Fail(new PolicyDiagnostic(file, (int)root.Start.Line, (int)root.Start.Column, null,
                "The policy document must be a mapping with apiVersion, kind, metadata and spec."));

        var index = new YamlPathIndex(root);
        PolicyFileYaml? dto;
        try
        {
            dto = s_deserializer.Deserialize<PolicyFileYaml>(text);
        }
        catch (YamlException ex)
        {
            return Fail(FromYamlException(ex, file, index, text));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or InvalidCastException)
        {
            return Fail(new PolicyDiagnostic(file, 1, 1, null, "The policy document could not be read: " + ex.Message));
        }

        var validator = new Validator(file);
        PolicyDocument? policy = validator.Build(dto!);
        return validator.Diagnostics.Count > 0 || policy is null
            ? new PolicyLoadResult(null, validator.Diagnostics)
            : new PolicyLoadResult(policy, Array.Empty<PolicyDiagnostic>());
    }

    private static PolicyLoadResult Fail(PolicyDiagnostic diagnostic) => new(null, new[] { diagnostic });

    private static PolicyDiagnostic AtParser(IParser parser, string file, string message)
    {
        Mark at = parser.Current?.End ?? Mark.Empty;
        return new PolicyDiagnostic(file, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), null, message);
    }

    private static PolicyDiagnostic FromYamlException(YamlException ex, string file, YamlPathIndex? index, string text)
    {
        // YamlDotNet wraps the real cause (a number that is not a number, an unknown key) in outer exceptions
        // that carry the position; the innermost message says what is wrong.
        Mark start = ex.Start;
        string message = ex.Message;
        Exception? inner = ex;
        while (inner is not null)
        {
            if (inner is YamlException ye && ye.Start.Line > 0)
                start = ye.Start;
            message = Describe(inner);
            inner = inner.InnerException;
        }

        string? key = index?.PathAt(start);
        Match unknown = s_unknownProperty.Match(message);
        if (unknown.Success)
            message = $"Unknown key '{unknown.Groups[1].Value}'. Check the spelling against policy/schema/healthwatch-policy.schema.json.";
        else if (message.Contains("Duplicate key"))
            message = $"Duplicate key '{KeyAt(text, start)}' in the same mapping.";
        key ??= unknown.Success ? unknown.Groups[1].Value : null;
        int line = (int)Math.Max(1, start.Line);
        int column = (int)Math.Max(1, start.Column);
        return new PolicyDiagnostic(file, line, column, key, message);
    }

    private static string Describe(Exception ex)
    {
        string m = ex.Message;
        // "(Line: 3, Col: 5, Idx: 20) - (Line: ...): message" -> "message"
        int cut = m.IndexOf("): ", StringComparison.Ordinal);
        if (m.StartsWith("(Line:", StringComparison.Ordinal) && cut > 0)
            m = m.Substring(cut + 3);
        if (ex is FormatException or OverflowException)
            m = "The value has the wrong type: " + m;
        return m;
    }

    private static string KeyAt(string text, Mark mark)
    {
        string[] lines = text.Split('\n');
        if (mark.Line < 1 || mark.Line > lines.Length)
            return "?";
        string line = lines[mark.Line - 1];
        int from = (int)Math.Min(Math.Max(0, mark.Column - 1), line.Length);
        int colon = line.IndexOf(':', from);
        return (colon > from ? line.Substring(from, colon - from) : line.Substring(from)).Trim();
    }

    /// <summary>Checks the deserialized file and builds the immutable policy, collecting every problem.</summary>
    private sealed class Validator
    {
        private readonly string _file;
        public List<PolicyDiagnostic> Diagnostics { get; } = new();

        public Validator(string file) => _file = file;

        private void Error(Mark at, string key, string message) =>
            Diagnostics.Add(new PolicyDiagnostic(_file, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), key, message));

        private string Required(YScalar? value, YamlNodeBase owner, string key)
        {
            if (value is null || value.Value.Trim().Length == 0)
            {
                Error(value?.Start ?? owner.Start, key, $"'{key}' is required.");
                return "";
            }
            return value.Value;
        }

        private int RequiredInt(int? value, YamlNodeBase owner, string key, int min)
        {
            if (value is null)
            {
                Error(owner.Start, key, $"'{key}' is required (a whole number, {min} or more).");
                return min;
            }
            if (value < min)
                Error(owner.Start, key, $"'{key}' must be {min} or more; it is {value}.");
            return value.Value;
        }

        private DateTime RequiredDate(YScalar? value, YamlNodeBase owner, string key)
        {
            string text = Required(value, owner, key);
            if (text.Length == 0)
                return DateTime.MinValue;
            if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime date))
                return DateTime.SpecifyKind(date, DateTimeKind.Utc);
            Error(value!.Start, key, $"'{key}' must be a date written yyyy-MM-dd; it is '{text}'.");
            return DateTime.MinValue;
        }

        private List<string> StringList(List<YScalar?>? list, YamlNodeBase owner, string key, bool required)
        {
            var result = new List<string>();
            if (list is null || list.Count == 0)
            {
                if (required)
                    Error(owner.Start, key, $"'{key}' needs at least one entry.");
                return result;
            }
            for (int i = 0; i < list.Count; i++)
            {
                YScalar? item = list[i];
                if (item is null || item.Value.Trim().Length == 0)
                    Error(item?.Start ?? owner.Start, $"{key}[{i}]", $"'{key}[{i}]' is empty.");
                else
                    result.Add(item.Value);
            }
            return result;
        }

        private T Node<T>(T? node, YamlNodeBase owner, string key) where T : YamlNodeBase, new()
        {
            if (node is not null)
                return node;
            Error(owner.Start, key, $"'{key}' is required.");
            return new T { Start = owner.Start };
        }

        public PolicyDocument? Build(PolicyFileYaml? file)
        {
            if (file is null)
            {
                Diagnostics.Add(new PolicyDiagnostic(_file, 1, 1, null, "The policy file is empty."));
                return null;
            }

            string apiVersion = Required(file.ApiVersion, file, "apiVersion");
            if (apiVersion.Length > 0 && apiVersion != SupportedApiVersion)
            {
                Error(file.ApiVersion!.Start, "apiVersion",
                    $"Unsupported apiVersion '{apiVersion}'; this module reads '{SupportedApiVersion}'.");
                return null; // a schema we do not understand: read no further
            }
            string kind = Required(file.Kind, file, "kind");
            if (kind.Length > 0 && kind != DocumentKind)
                Error(file.Kind!.Start, "kind", $"Unsupported kind '{kind}'; expected '{DocumentKind}'.");

            MetadataYaml m = Node(file.Metadata, file, "metadata");
            var metadata = new PolicyMetadata(
                Required(m.Name, m, "metadata.name"),
                Required(m.Title, m, "metadata.title"),
                Required(m.Organisation, m, "metadata.organisation"),
                Required(m.Version, m, "metadata.version"),
                RequiredDate(m.Effective, m, "metadata.effective"),
                RequiredInt(m.ReviewIntervalMonths, m, "metadata.reviewIntervalMonths", 1),
                RequiredDate(m.NextReviewDue, m, "metadata.nextReviewDue"),
                m.AlternativeFormatsContact?.Value);
            if (metadata.NextReviewDue != DateTime.MinValue && metadata.Effective != DateTime.MinValue
                && metadata.NextReviewDue <= metadata.Effective)
                Error(m.NextReviewDue!.Start, "metadata.nextReviewDue", "'metadata.nextReviewDue' must fall after 'metadata.effective'.");

            SpecYaml spec = Node(file.Spec, file, "spec");
            ScopeYaml scopeYaml = Node(spec.Scope, spec, "spec.scope");
            var scope = new PolicyScope(
                StringList(scopeYaml.Covers, scopeYaml, "spec.scope.covers", true),
                StringList(scopeYaml.Platforms, scopeYaml, "spec.scope.platforms", true));

            List<PolicyRole> roles = BuildRoles(spec);
            PolicyParameters parameters = BuildParameters(spec, roles);
            List<PolicySection> sections = BuildSections(spec);
            List<PolicyClause> clauses = BuildClauses(spec, sections, metadata.Version);

            return Diagnostics.Count > 0
                ? null
                : new PolicyDocument(_file, apiVersion, metadata, scope, roles, parameters, sections, clauses);
        }

        private List<PolicyRole> BuildRoles(SpecYaml spec)
        {
            var roles = new List<PolicyRole>();
            if (spec.Roles is null)
            {
                Error(spec.Start, "spec.roles", "'spec.roles' is required (Manager and CommunicationsOfficer).");
                return roles;
            }
            for (int i = 0; i < spec.Roles.Count; i++)
            {
                string key = $"spec.roles[{i}]";
                RoleYaml? r = spec.Roles[i];
                if (r is null)
                {
                    Error(spec.Start, key, $"'{key}' is empty.");
                    continue;
                }
                string id = Required(r.Id, r, key + ".id");
                string title = Required(r.Title, r, key + ".title");
                if (r.User is not null && r.Group is not null)
                    Error(r.Group.Start, key + ".group", "A role is held by a user or by a group, not both.");
                if (id.Length > 0 && roles.Any(x => string.Equals(x.Id, id, StringComparison.OrdinalIgnoreCase)))
                    Error(r.Id!.Start, key + ".id", $"Duplicate role id '{id}'.");
                roles.Add(new PolicyRole(id, title, r.User?.Value, r.Group?.Value));
            }
            foreach (string required in RequiredRoles)
                if (!roles.Any(x => x.Id == required))
                    Error(spec.Start, "spec.roles", $"The role '{required}' must be defined (the policy names it).");
            return roles;
        }

        private PolicyParameters BuildParameters(SpecYaml spec, List<PolicyRole> roles)
        {
            ParametersYaml p = Node(spec.Parameters, spec, "spec.parameters");
            const string k = "spec.parameters.";
            int max = RequiredInt(p.MaxPostersPerAccount, p, k + "maxPostersPerAccount", 1);
            List<string> eligible = StringList(p.EligibleEmployeeTypes, p, k + "eligibleEmployeeTypes", true);
            if (p.GuestsMayPost is null)
                Error(p.Start, k + "guestsMayPost", $"'{k}guestsMayPost' is required (true or false).");
            if (p.AcknowledgementRequiredToPost is null)
                Error(p.Start, k + "acknowledgementRequiredToPost", $"'{k}acknowledgementRequiredToPost' is required (true or false).");
            List<string> consent = StringList(p.AccountConsentFrom, p, k + "accountConsentFrom", true);
            for (int i = 0; i < consent.Count; i++)
                if (consent[i] != LineManager && !roles.Any(r => r.Id == consent[i]))
                    Error(p.AccountConsentFrom![i]!.Start, $"{k}accountConsentFrom[{i}]",
                        $"'{consent[i]}' is neither '{LineManager}' nor a role id defined in spec.roles.");
            string prefix = Required(p.PostingGroupPrefix, p, k + "postingGroupPrefix");
            if (prefix.Length > 0 && !s_groupPrefix.IsMatch(prefix))
                Error(p.PostingGroupPrefix!.Start, k + "postingGroupPrefix",
                    "'postingGroupPrefix' must be 1-30 ASCII letters, digits, '-' or '_' (it becomes part of a mail nickname).");

            AccessReviewYaml ar = Node(p.AccessReview, p, k + "accessReview");
            string action = Required(ar.UndecidedAction, ar, k + "accessReview.undecidedAction");
            if (action.Length > 0 && action != "Flag" && action != "Revoke")
                Error(ar.UndecidedAction!.Start, k + "accessReview.undecidedAction",
                    $"'undecidedAction' is 'Flag' or 'Revoke'; it is '{action}'.");
            var review = new AccessReviewParameters(
                RequiredInt(ar.IntervalMonths, ar, k + "accessReview.intervalMonths", 1),
                RequiredInt(ar.DueDays, ar, k + "accessReview.dueDays", 1),
                RequiredInt(ar.GraceDays, ar, k + "accessReview.graceDays", 0),
                action);
            return new PolicyParameters(max, eligible, p.GuestsMayPost ?? false, p.AcknowledgementRequiredToPost ?? true,
                consent, prefix, review);
        }

        private List<PolicySection> BuildSections(SpecYaml spec)
        {
            var sections = new List<PolicySection>();
            if (spec.Sections is null || spec.Sections.Count == 0)
            {
                Error(spec.Start, "spec.sections", "'spec.sections' needs at least one section.");
                return sections;
            }
            for (int i = 0; i < spec.Sections.Count; i++)
            {
                string key = $"spec.sections[{i}]";
                SectionYaml? s = spec.Sections[i];
                if (s is null)
                {
                    Error(spec.Start, key, $"'{key}' is empty.");
                    continue;
                }
                string id = Required(s.Id, s, key + ".id");
                if (id.Length > 0 && !s_sectionId.IsMatch(id))
                    Error(s.Id!.Start, key + ".id", $"Section id '{id}' must be lower-case words joined by '-'.");
                if (id.Length > 0 && sections.Any(x => x.Id == id))
                    Error(s.Id!.Start, key + ".id", $"Duplicate section id '{id}'.");
                sections.Add(new PolicySection(id, Required(s.Title, s, key + ".title"), s.Lead?.Value));
            }
            return sections;
        }

        private List<PolicyClause> BuildClauses(SpecYaml spec, List<PolicySection> sections, string version)
        {
            var clauses = new List<PolicyClause>();
            if (spec.Clauses is null || spec.Clauses.Count == 0)
            {
                Error(spec.Start, "spec.clauses", "'spec.clauses' needs at least one clause.");
                return clauses;
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < spec.Clauses.Count; i++)
            {
                string key = $"spec.clauses[{i}]";
                ClauseYaml? c = spec.Clauses[i];
                if (c is null)
                {
                    Error(spec.Start, key, $"'{key}' is empty.");
                    continue;
                }
                string id = Required(c.Id, c, key + ".id");
                if (id.Length > 0 && !s_clauseId.IsMatch(id))
                    Error(c.Id!.Start, key + ".id", $"Clause id '{id}' must look like 'SMP-3.1'.");
                if (id.Length > 0 && !seen.Add(id))
                    Error(c.Id!.Start, key + ".id", $"Duplicate clause id '{id}': clause ids are stable and unique.");

                string sectionId = Required(c.Section, c, key + ".section");
                PolicySection? section = sections.FirstOrDefault(s => s.Id == sectionId);
                if (sectionId.Length > 0 && section is null)
                    Error(c.Section!.Start, key + ".section", $"Unknown section '{sectionId}'; define it in spec.sections.");

                string kindText = Required(c.Kind, c, key + ".kind");
                ClauseKind kind = ClauseKind.Acknowledged;
                if (kindText == "enforced") kind = ClauseKind.Enforced;
                else if (kindText.Length > 0 && kindText != "acknowledged")
                    Error(c.Kind!.Start, key + ".kind", $"Clause kind is 'enforced' or 'acknowledged'; it is '{kindText}'.");

                ClauseForm form = ClauseForm.Item;
                if (c.Form is not null)
                {
                    if (c.Form.Value == "paragraph") form = ClauseForm.Paragraph;
                    else if (c.Form.Value != "item")
                        Error(c.Form.Start, key + ".form", $"Clause form is 'paragraph' or 'item'; it is '{c.Form.Value}'.");
                }

                List<string> checks = StringList(c.Checks, c, key + ".checks", required: false);
                if (kindText == "enforced" && checks.Count == 0 && (c.Checks is null || c.Checks.Count == 0))
                    Error(c.Start, key + ".checks", "An enforced clause names the check(s) that back it in 'checks'.");
                if (kindText == "acknowledged" && checks.Count > 0)
                    Error(c.Checks![0]!.Start, key + ".checks", "An acknowledged clause has no checks; make it 'enforced' or remove 'checks'.");
                for (int j = 0; j < checks.Count; j++)
                    if (!CheckCatalog.IsKnown(checks[j]))
                        Error(c.Checks![j]!.Start, $"{key}.checks[{j}]",
                            $"Unknown check '{checks[j]}'. Known checks: {string.Join(", ", CheckCatalog.Names)}.");

                string text = Required(c.Text, c, key + ".text");
                if (section is not null)
                    clauses.Add(new PolicyClause(id, section, kind, form, checks, NormaliseSpace(text), version));
            }
            return clauses;
        }

        private static string NormaliseSpace(string text) => Regex.Replace(text.Trim(), @"\s+", " ");
    }
}
