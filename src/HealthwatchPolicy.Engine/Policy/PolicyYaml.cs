using System;
using System.Collections.Generic;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace HealthwatchPolicy.Engine.Policy;

// The policy file's shape as YamlDotNet reads it. Strict: no IgnoreUnmatchedProperties, so an unknown
// key is an error at its own line and column. Scalars that the validator checks are read as YScalar so
// that every semantic error can name its position too. policy/schema/healthwatch-policy.schema.json
// describes the same shape for editors; PolicySchemaTests keeps the two in step. Numbers and booleans are read as
// YScalar too and parsed by the validator, strictly: plain 'true'/'false' only (not YAML 1.1's y/yes/on/off, not a
// quoted "false"), plain decimal digits only (not 3_0, 0x1F or 014), each refused at its own position.

/// <summary>A mapping node whose start position the loader records.</summary>
internal abstract class YamlNodeBase
{
    [YamlIgnore] public Mark Start { get; set; } = Mark.Empty;
}

/// <summary>A scalar and where it stands in the file.</summary>
internal sealed class YScalar
{
    public YScalar(string value, Mark start, bool isPlain = true)
    {
        Value = value;
        Start = start;
        IsPlain = isPlain;
    }

    public string Value { get; }
    public Mark Start { get; }
    /// <summary>Written without quotes: only a plain scalar can be a number or a boolean.</summary>
    public bool IsPlain { get; }
    public override string ToString() => Value;
}

internal sealed class PolicyFileYaml : YamlNodeBase
{
    public YScalar? ApiVersion { get; set; }
    public YScalar? Kind { get; set; }
    public MetadataYaml? Metadata { get; set; }
    public SpecYaml? Spec { get; set; }
}

internal sealed class MetadataYaml : YamlNodeBase
{
    public YScalar? Name { get; set; }
    public YScalar? Title { get; set; }
    public YScalar? Organisation { get; set; }
    public YScalar? Version { get; set; }
    public YScalar? Effective { get; set; }
    public YScalar? ReviewIntervalMonths { get; set; }
    public YScalar? NextReviewDue { get; set; }
    public YScalar? AlternativeFormatsContact { get; set; }
}

internal sealed class SpecYaml : YamlNodeBase
{
    public ScopeYaml? Scope { get; set; }
    public List<RoleYaml?>? Roles { get; set; }
    public ParametersYaml? Parameters { get; set; }
    public List<SectionYaml?>? Sections { get; set; }
    public List<ClauseYaml?>? Clauses { get; set; }
}

internal sealed class ScopeYaml : YamlNodeBase
{
    public List<YScalar?>? Covers { get; set; }
    public List<YScalar?>? Platforms { get; set; }
}

internal sealed class RoleYaml : YamlNodeBase
{
    public YScalar? Id { get; set; }
    public YScalar? Title { get; set; }
    public YScalar? User { get; set; }
    public YScalar? Group { get; set; }
}

internal sealed class ParametersYaml : YamlNodeBase
{
    public YScalar? MaxPostersPerAccount { get; set; }
    public List<YScalar?>? EligibleEmployeeTypes { get; set; }
    public YScalar? GuestsMayPost { get; set; }
    public YScalar? AcknowledgementRequiredToPost { get; set; }
    public List<YScalar?>? AccountConsentFrom { get; set; }
    public YScalar? PostingGroupPrefix { get; set; }
    public AccessReviewYaml? AccessReview { get; set; }
    public ExceptionsYaml? Exceptions { get; set; }
    public LifecycleYaml? Lifecycle { get; set; }
}

internal sealed class ExceptionsYaml : YamlNodeBase
{
    public YScalar? MaxTermMonths { get; set; }
    public YScalar? ApproverRole { get; set; }
}

internal sealed class LifecycleYaml : YamlNodeBase
{
    public YScalar? Disabled { get; set; }
    public YScalar? Deleted { get; set; }
    public YScalar? IneligibleType { get; set; }
    public YScalar? Guest { get; set; }
    public YScalar? LeaveDate { get; set; }
    public YScalar? AccessExpired { get; set; }
    public List<YScalar?>? TimeBoundEmployeeTypes { get; set; }
    public YScalar? MaxAccessDays { get; set; }
    public YScalar? MaxPauseDays { get; set; }
    public YScalar? SignInInactivityDays { get; set; }
}

internal sealed class AccessReviewYaml : YamlNodeBase
{
    public YScalar? IntervalMonths { get; set; }
    public YScalar? DueDays { get; set; }
    public YScalar? GraceDays { get; set; }
    public YScalar? UndecidedAction { get; set; }
}

internal sealed class SectionYaml : YamlNodeBase
{
    public YScalar? Id { get; set; }
    public YScalar? Title { get; set; }
    public YScalar? Lead { get; set; }
}

internal sealed class ClauseYaml : YamlNodeBase
{
    public YScalar? Id { get; set; }
    public YScalar? Section { get; set; }
    public YScalar? Kind { get; set; }
    public YScalar? Form { get; set; }
    public List<YScalar?>? Checks { get; set; }
    public YScalar? Text { get; set; }
}

/// <summary>Reads a scalar with its position; refuses a mapping or sequence where a scalar belongs.</summary>
internal sealed class YScalarConverter : IYamlTypeConverter
{
    public bool Accepts(Type type) => type == typeof(YScalar);

    public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer)
    {
        if (parser.Current is Scalar scalar)
        {
            parser.MoveNext();
            bool isNull = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
            return isNull ? null : new YScalar(scalar.Value, scalar.Start, scalar.Style == ScalarStyle.Plain);
        }
        ParsingEvent? current = parser.Current;
        throw new YamlException(current?.Start ?? Mark.Empty, current?.End ?? Mark.Empty,
            "Expected a single value here, found " + (current is SequenceStart ? "a list" : "a mapping") + ".");
    }

    public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) =>
        throw new NotSupportedException("The policy model is read-only.");
}

/// <summary>Records where each mapping node starts, so validation errors can point at it.</summary>
internal sealed class MarkingNodeDeserializer : INodeDeserializer
{
    private readonly INodeDeserializer _inner;

    public MarkingNodeDeserializer(INodeDeserializer inner) => _inner = inner;

    public bool Deserialize(IParser reader, Type expectedType, Func<IParser, Type, object?> nestedObjectDeserializer,
        out object? value, ObjectDeserializer rootDeserializer)
    {
        Mark start = reader.Current?.Start ?? Mark.Empty;
        if (!_inner.Deserialize(reader, expectedType, nestedObjectDeserializer, out value, rootDeserializer))
            return false;
        if (value is YamlNodeBase node)
            node.Start = start;
        return true;
    }
}
