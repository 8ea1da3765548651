using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Text;
using YamlDotNet.Core;
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
    private static readonly Regex s_clauseId = new(@"\A[A-Z][A-Z0-9]*-[0-9]+(\.[0-9]+)*\z", RegexOptions.CultureInvariant);
    private static readonly Regex s_sectionId = new(@"\A[a-z][a-z0-9-]*\z", RegexOptions.CultureInvariant);
    private static readonly Regex s_groupPrefix = new(@"\A[A-Za-z0-9][A-Za-z0-9_-]{0,29}\z", RegexOptions.CultureInvariant);
    private static readonly Regex s_unknownProperty = new(@"Property '([^']*)' not found", RegexOptions.CultureInvariant);

    private static readonly IDeserializer s_deserializer = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .WithTypeConverter(new YScalarConverter())
        .WithNodeDeserializer(inner => new MarkingNodeDeserializer(inner), s => s.InsteadOf<ObjectNodeDeserializer>())
        .WithDuplicateKeyChecking()
        .Build();

    /// <summary>
    /// Loads a policy file. I/O failures become diagnostics too. Only a regular file is read, and no more of it than
    /// <see cref="PolicyLimits.MaxFileBytes"/> + 1 bytes (see <see cref="PolicySource"/>).
    /// </summary>
    public static PolicyLoadResult Load(string path)
    {
        string full;
        try
        {
            full = System.IO.Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return Fail(new PolicyDiagnostic(path, 1, 1, null, "Cannot read the policy file: " + ex.Message));
        }
        string? text = PolicySource.Read(full, out PolicyDiagnostic? problem);
        return text is null ? Fail(problem!) : LoadText(text, full);
    }

    /// <summary>Loads policy text; <paramref name="file"/> names it in diagnostics.</summary>
    public static PolicyLoadResult LoadText(string text, string file)
    {
        if (text.Length > 0 && text[0] == '\uFEFF')
            text = text.Substring(1);
        int tooFar = IndexPastByteLimit(text);
        if (tooFar >= 0)
        {
            (int line, int column) = TextPosition.Of(text, tooFar);
            return Fail(new PolicyDiagnostic(file, line, column, null,
                $"The policy file is larger than {PolicyLimits.MaxFileBytes:N0} bytes (the limit); it is refused unread past here."));
        }
        List<PolicyDiagnostic> refused = PolicySource.RefusedCharacters(text, file);
        if (refused.Count > 0)
            return new PolicyLoadResult(null, refused);

        // Pass 1: parser events only (limits, anchors, positions); nothing is built from a file that fails it.
        var index = new YamlPathIndex();
        List<PolicyDiagnostic> structure;
        try
        {
            structure = YamlStructure.Scan(text, file, index);
        }
        catch (YamlException ex)
        {
            return Fail(FromYamlException(ex, file, index, text));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
        {
            // YamlDotNet's scanner occasionally fails without a YamlException (found by PolicyMutationTests):
            // report it where parsing stopped.
            return Fail(AtFailure(text, file, index, "Malformed YAML near here; check indentation, quotes and brackets."));
        }
        if (structure.Count > 0)
            return new PolicyLoadResult(null, structure);

        // Pass 2: the strict deserializer, through a parser whose position is known if it fails without one.
        var parser = new Parser(new StringReader(text));
        PolicyFileYaml? dto;
        try
        {
            dto = s_deserializer.Deserialize<PolicyFileYaml>(parser);
        }
        catch (YamlException ex)
        {
            return Fail(FromYamlException(ex, file, index, text));
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or InvalidCastException)
        {
            Mark at = parser.Current?.Start ?? Mark.Empty;
            return Fail(new PolicyDiagnostic(file, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), index.PathAt(at),
                "The policy document could not be read here: " + ex.Message));
        }

        var validator = new Validator(file, index);
        PolicyDocument? policy = validator.Build(dto!);
        return validator.Diagnostics.Count > 0 || policy is null
            ? new PolicyLoadResult(null, validator.Diagnostics)
            : new PolicyLoadResult(policy, Array.Empty<PolicyDiagnostic>());
    }

    /// <summary>The index of the first character whose UTF-8 bytes pass the file size limit, or -1.</summary>
    private static int IndexPastByteLimit(string text)
    {
        if (text.Length * 3L <= PolicyLimits.MaxFileBytes)
            return -1;
        long bytes = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : char.IsHighSurrogate(c) ? 4 : char.IsLowSurrogate(c) ? 0 : 3;
            if (bytes > PolicyLimits.MaxFileBytes)
                return i;
        }
        return -1;
    }

    /// <summary>A failure without a position of its own: re-scan to the event where parsing stopped.</summary>
    private static PolicyDiagnostic AtFailure(string text, string file, YamlPathIndex index, string message)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        Mark at = Mark.Empty;
        try
        {
            while (parser.MoveNext())
                at = parser.Current?.End ?? at;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException or FormatException)
        {
            // where the scanner stood when it gave up: it reads ahead of the last event, up to the fault
            if (ex is YamlException ye && IsPlaced(ye.Start))
                at = ye.Start;
            else if (IsPlaced(scanner.CurrentPosition))
                at = scanner.CurrentPosition;
        }
        return new PolicyDiagnostic(file, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), index.PathAt(at), message);
    }

    private static PolicyLoadResult Fail(PolicyDiagnostic diagnostic) => new(null, new[] { diagnostic });

    private static PolicyDiagnostic FromYamlException(YamlException ex, string file, YamlPathIndex? index, string text)
    {
        // YamlDotNet wraps the real cause (a number that is not a number, an unknown key) in outer exceptions
        // that carry the position; the innermost message says what is wrong.
        Mark start = ex.Start;
        string message = ex.Message;
        Exception? inner = ex;
        while (inner is not null)
        {
            if (inner is YamlException ye && IsPlaced(ye.Start))
                start = ye.Start;
            message = Describe(inner);
            inner = inner.InnerException;
        }

        if (!IsPlaced(start))
            start = PositionOfUnplacedError(text, message);
        string? key = index?.PathAt(start);
        Match unknown = s_unknownProperty.Match(message);
        if (unknown.Success)
            message = $"Unknown key '{Shorten(unknown.Groups[1].Value)}'. Check the spelling against policy/schema/healthwatch-policy.schema.json.";
        else if (message.Contains("Duplicate key"))
            message = $"Duplicate key '{KeyAt(text, start)}' in the same mapping.";
        key ??= unknown.Success ? Shorten(unknown.Groups[1].Value) : null;
        int line = (int)Math.Max(1, start.Line);
        int column = (int)Math.Max(1, start.Column);
        return new PolicyDiagnostic(file, line, column, key, message);
    }

    /// <summary>Whether YamlDotNet gave a position at all (its empty mark reads as line 1, column 1, index 0).</summary>
    private static bool IsPlaced(Mark mark) => mark.Line > 0 && (mark.Index > 0 || mark.Line > 1 || mark.Column > 1);

    /// <summary>
    /// YamlDotNet reports a few scanner errors (a tab used as indentation) without a position. Find the place: the
    /// first tab in the indentation of a line from where the parser stopped, or else where the parser stopped.
    /// </summary>
    private static Mark PositionOfUnplacedError(string text, string message)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new Parser(scanner);
        Mark at = new(0, 1, 1);
        try
        {
            while (parser.MoveNext())
                at = parser.Current?.End ?? at;
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException or ArgumentException or FormatException)
        {
            // the same error again: the scanner stands at the fault, ahead of the last event that parsed
            if (IsPlaced(scanner.CurrentPosition) && scanner.CurrentPosition.Index > at.Index)
                at = scanner.CurrentPosition;
        }
        if (message.IndexOf("tab", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            string[] lines = text.Split('\n');
            for (int i = (int)Math.Max(0, at.Line - 1); i < lines.Length; i++)
            {
                string line = lines[i];
                int indent = 0;
                while (indent < line.Length && (line[indent] == ' ' || line[indent] == '\t'))
                {
                    if (line[indent] == '\t')
                        return new Mark(0, i + 1, indent + 1);
                    indent++;
                }
            }
        }
        return at;
    }

    private static string Shorten(string s) => s.Length <= 64 ? s : s.Substring(0, 64) + "…";

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
        private static readonly Regex s_plainInteger = new(@"\A(0|-?[1-9][0-9]*)\z", RegexOptions.CultureInvariant);
        private static readonly Regex s_listIndex = new(@"\[[0-9]+\]", RegexOptions.CultureInvariant);
        private readonly string _file;
        private readonly YamlPathIndex _index;
        public List<PolicyDiagnostic> Diagnostics { get; } = new();

        public Validator(string file, YamlPathIndex index)
        {
            _file = file;
            _index = index;
        }

        private void Error(Mark at, string key, string message) =>
            Diagnostics.Add(new PolicyDiagnostic(_file, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), key, message));

        /// <summary>Where <paramref name="key"/> stands in the file (a key written with no value has a place too).</summary>
        private Mark At(string key, Mark fallback) => _index.MarkOf(key) ?? fallback;

        private static string Field(string key) => s_listIndex.Replace(key, "");

        private static string Shown(YScalar value)
        {
            string v = SafeText.Neutralise(value.Value.Length <= 40 ? value.Value : value.Value.Substring(0, 40) + "…")!;
            return value.IsPlain ? $"'{v}'" : $"the quoted text \"{v}\"";
        }

        private string Required(YScalar? value, YamlNodeBase owner, string key)
        {
            if (value is null || value.Value.Trim().Length == 0)
            {
                Error(value?.Start ?? At(key, owner.Start), key, $"'{key}' is required.");
                return "";
            }
            return Checked(value, key);
        }

        private string? Optional(YScalar? value, string key) => value is null ? null : Checked(value, key);

        /// <summary>
        /// The value, after checking it against its field's length limit and its shape: an identifier-like value
        /// (<see cref="PolicyLimits.TokenFields"/>) has no white space at either end and no line break or tab; a
        /// one-line text (<see cref="PolicyLimits.LineFields"/>) has no line break. Only prose (clause text, a
        /// section's lead) may span lines.
        /// </summary>
        private string Checked(YScalar value, string key)
        {
            string field = Field(key);
            string v = value.Value;
            if (PolicyLimits.TokenFields.Contains(field)
                     && v.Length > 0 && (char.IsWhiteSpace(v[0]) || char.IsWhiteSpace(v[v.Length - 1]) || v.IndexOfAny(s_breaksAndTabs) >= 0))
                Error(value.Start, key, $"'{key}' is a name or identifier: it may not start or end with white space or hold a line break or tab; it is {Shown(value)}.");
            else if (PolicyLimits.LineFields.Contains(field) && (v.IndexOf('\n') >= 0 || v.IndexOf('\r') >= 0))
                Error(value.Start, key, $"'{key}' is one line of text: it may not hold a line break; it is {Shown(value)}.");
            else if (PolicyLimits.FieldLength.TryGetValue(field, out int max) && v.Length > max)
                Error(value.Start, key, $"'{key}' may be at most {max} characters long; it is {v.Length:N0}.");
            return v;
        }

        private static readonly char[] s_breaksAndTabs = { '\r', '\n', '\t' };

        private int RequiredInt(YScalar? value, YamlNodeBase owner, string key)
        {
            (int min, int max) = PolicyLimits.NumberRange[Field(key)];
            if (value is null)
            {
                Error(At(key, owner.Start), key, $"'{key}' is required (a whole number from {min} to {max}).");
                return min;
            }
            if (!value.IsPlain || !s_plainInteger.IsMatch(value.Value))
            {
                Error(value.Start, key, $"'{key}' must be a whole number from {min} to {max}, written in plain digits; it is {Shown(value)}.");
                return min;
            }
            if (!long.TryParse(value.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) || n < min || n > max)
            {
                Error(value.Start, key, $"'{key}' must be from {min} to {max}; it is {Shown(value)}.");
                return min;
            }
            return (int)n;
        }

        private bool RequiredBool(YScalar? value, YamlNodeBase owner, string key, bool fallback)
        {
            if (value is null)
            {
                Error(At(key, owner.Start), key, $"'{key}' is required (true or false).");
                return fallback;
            }
            if (!value.IsPlain || (value.Value != "true" && value.Value != "false"))
            {
                Error(value.Start, key, $"'{key}' is true or false, written plainly in lower case; it is {Shown(value)}.");
                return fallback;
            }
            return value.Value == "true";
        }

        private DateTime RequiredDate(YScalar? value, YamlNodeBase owner, string key)
        {
            string text = Required(value, owner, key);
            if (text.Length == 0)
                return DateTime.MinValue;
            if (DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime date))
            {
                if (date.Year >= PolicyLimits.MinYear && date.Year <= PolicyLimits.MaxYear)
                    return DateTime.SpecifyKind(date, DateTimeKind.Utc);
                Error(value!.Start, key, $"'{key}' must fall in the years {PolicyLimits.MinYear} to {PolicyLimits.MaxYear}; it is '{text}'.");
                return DateTime.MinValue;
            }
            Error(value!.Start, key, $"'{key}' must be a date written yyyy-MM-dd; it is {Shown(value)}.");
            return DateTime.MinValue;
        }

        private List<string> StringList(List<YScalar?>? list, YamlNodeBase owner, string key, bool required)
        {
            var result = new List<string>();
            if (list is null || list.Count == 0)
            {
                if (required)
                    Error(At(key, owner.Start), key, $"'{key}' needs at least one entry.");
                return result;
            }
            for (int i = 0; i < list.Count; i++)
            {
                YScalar? item = list[i];
                string itemKey = $"{key}[{i}]";
                if (item is null || item.Value.Trim().Length == 0)
                    Error(item?.Start ?? At(itemKey, owner.Start), itemKey, $"'{itemKey}' is empty.");
                else
                    result.Add(Checked(item, itemKey));
            }
            return result;
        }

        private T Node<T>(T? node, YamlNodeBase owner, string key) where T : YamlNodeBase, new()
        {
            if (node is not null)
                return node;
            Mark at = At(key, owner.Start);
            Error(at, key, $"'{key}' is required.");
            return new T { Start = at };
        }

        public PolicyDocument? Build(PolicyFileYaml? file)
        {
            if (file is null)
            {
                Diagnostics.Add(new PolicyDiagnostic(_file, 1, 1, null, "The policy file is empty: it holds no YAML document."));
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
                RequiredInt(m.ReviewIntervalMonths, m, "metadata.reviewIntervalMonths"),
                RequiredDate(m.NextReviewDue, m, "metadata.nextReviewDue"),
                Optional(m.AlternativeFormatsContact, "metadata.alternativeFormatsContact"));
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
                Error(At("spec.roles", spec.Start), "spec.roles", "'spec.roles' is required (Manager and CommunicationsOfficer).");
                return roles;
            }
            for (int i = 0; i < spec.Roles.Count; i++)
            {
                string key = $"spec.roles[{i}]";
                RoleYaml? r = spec.Roles[i];
                if (r is null)
                {
                    Error(At(key, spec.Start), key, $"'{key}' is empty.");
                    continue;
                }
                string id = Required(r.Id, r, key + ".id");
                string title = Required(r.Title, r, key + ".title");
                if (r.User is not null && r.Group is not null)
                    Error(r.Group.Start, key + ".group", "A role is held by a user or by a group, not both.");
                if (id.Length > 0 && roles.Any(x => string.Equals(x.Id, id, StringComparison.OrdinalIgnoreCase)))
                    Error(r.Id!.Start, key + ".id", $"Duplicate role id '{id}'.");
                roles.Add(new PolicyRole(id, title, Optional(r.User, key + ".user"), Optional(r.Group, key + ".group")));
            }
            foreach (string required in RequiredRoles)
                if (!roles.Any(x => x.Id == required))
                    Error(At("spec.roles", spec.Start), "spec.roles", $"The role '{required}' must be defined (the policy names it).");
            return roles;
        }

        private PolicyParameters BuildParameters(SpecYaml spec, List<PolicyRole> roles)
        {
            ParametersYaml p = Node(spec.Parameters, spec, "spec.parameters");
            const string k = "spec.parameters.";
            int max = RequiredInt(p.MaxPostersPerAccount, p, k + "maxPostersPerAccount");
            List<string> eligible = StringList(p.EligibleEmployeeTypes, p, k + "eligibleEmployeeTypes", true);
            bool guests = RequiredBool(p.GuestsMayPost, p, k + "guestsMayPost", fallback: false);
            bool acknowledge = RequiredBool(p.AcknowledgementRequiredToPost, p, k + "acknowledgementRequiredToPost", fallback: true);
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
                RequiredInt(ar.IntervalMonths, ar, k + "accessReview.intervalMonths"),
                RequiredInt(ar.DueDays, ar, k + "accessReview.dueDays"),
                RequiredInt(ar.GraceDays, ar, k + "accessReview.graceDays"),
                action);
            ExceptionParameters? exceptions = null;
            if (p.Exceptions is { } ex)
            {
                // Optional: a policy without it gets 12 months and the Manager (decision 0180).
                string approver = Required(ex.ApproverRole, ex, k + "exceptions.approverRole");
                if (approver.Length > 0 && !roles.Any(r => r.Id == approver))
                    Error(ex.ApproverRole!.Start, k + "exceptions.approverRole", $"'{approver}' is not a role id defined in spec.roles.");
                exceptions = new ExceptionParameters(RequiredInt(ex.MaxTermMonths, ex, k + "exceptions.maxTermMonths"), approver);
            }
            return new PolicyParameters(max, eligible, guests, acknowledge,
                consent, prefix, review, exceptions, BuildLifecycle(p.Lifecycle));
        }

        /// <summary><c>spec.parameters.lifecycle</c>: optional; a key left out keeps its default (<see cref="LifecycleParameters.Default"/>).</summary>
        private LifecycleParameters BuildLifecycle(LifecycleYaml? l)
        {
            LifecycleParameters d = LifecycleParameters.Default;
            if (l is null)
                return d;
            const string k = "spec.parameters.lifecycle.";
            var actions = new Dictionary<LifecycleReason, LifecycleAction>();
            foreach ((LifecycleReason reason, YScalar? value) in new[]
                     {
                         (LifecycleReason.Disabled, l.Disabled), (LifecycleReason.Deleted, l.Deleted), (LifecycleReason.IneligibleType, l.IneligibleType),
                         (LifecycleReason.Guest, l.Guest), (LifecycleReason.LeaveDate, l.LeaveDate), (LifecycleReason.AccessExpired, l.AccessExpired),
                     })
            {
                string key = k + LifecycleParameters.KeyOf(reason);
                if (value is null)
                {
                    actions[reason] = d.ActionFor(reason);
                    continue;
                }
                string v = Checked(value, key);
                if (v != "Revoke" && v != "Flag")
                    Error(value.Start, key, $"'{LifecycleParameters.KeyOf(reason)}' is 'Revoke' or 'Flag'; it is {Shown(value)}.");
                actions[reason] = v == "Flag" ? LifecycleAction.Flag : LifecycleAction.Revoke;
            }
            List<string> timeBound = l.TimeBoundEmployeeTypes is null ? new List<string>() : StringList(l.TimeBoundEmployeeTypes, l, k + "timeBoundEmployeeTypes", false);
            int OptionalInt(YScalar? v, string name, int fallback) => v is null ? fallback : RequiredInt(v, l, k + name);
            return new LifecycleParameters(actions, timeBound,
                OptionalInt(l.MaxAccessDays, "maxAccessDays", d.MaxAccessDays),
                OptionalInt(l.MaxPauseDays, "maxPauseDays", d.MaxPauseDays),
                OptionalInt(l.SignInInactivityDays, "signInInactivityDays", d.SignInInactivityDays));
        }

        private List<PolicySection> BuildSections(SpecYaml spec)
        {
            var sections = new List<PolicySection>();
            if (spec.Sections is null || spec.Sections.Count == 0)
            {
                Error(At("spec.sections", spec.Start), "spec.sections", "'spec.sections' needs at least one section.");
                return sections;
            }
            for (int i = 0; i < spec.Sections.Count; i++)
            {
                string key = $"spec.sections[{i}]";
                SectionYaml? s = spec.Sections[i];
                if (s is null)
                {
                    Error(At(key, spec.Start), key, $"'{key}' is empty.");
                    continue;
                }
                string id = Required(s.Id, s, key + ".id");
                if (id.Length > 0 && !s_sectionId.IsMatch(id))
                    Error(s.Id!.Start, key + ".id", $"Section id '{id}' must be lower-case words joined by '-'.");
                if (id.Length > 0 && sections.Any(x => x.Id == id))
                    Error(s.Id!.Start, key + ".id", $"Duplicate section id '{id}'.");
                sections.Add(new PolicySection(id, Required(s.Title, s, key + ".title"), Optional(s.Lead, key + ".lead")));
            }
            return sections;
        }

        private List<PolicyClause> BuildClauses(SpecYaml spec, List<PolicySection> sections, string version)
        {
            var clauses = new List<PolicyClause>();
            if (spec.Clauses is null || spec.Clauses.Count == 0)
            {
                Error(At("spec.clauses", spec.Start), "spec.clauses", "'spec.clauses' needs at least one clause.");
                return clauses;
            }
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < spec.Clauses.Count; i++)
            {
                string key = $"spec.clauses[{i}]";
                ClauseYaml? c = spec.Clauses[i];
                if (c is null)
                {
                    Error(At(key, spec.Start), key, $"'{key}' is empty.");
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
                if (c.Form is not null && Optional(c.Form, key + ".form") is not null)
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
