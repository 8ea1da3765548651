using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Text;

namespace HealthwatchPolicy.Hosting;

/// <summary>
/// Normalises an identifier-like parameter (a string or strings) before validation and binding, by the engine's one
/// rule (<see cref="Identifiers"/>): surrounding white space and invisible characters removed, and, with a fixed set
/// (<c>[Identifier("Keep", "Remove")]</c>, the same members as the parameter's ValidateSet), the set's own spelling.
/// PowerShell runs it for every binding: the command line, splatting and pipeline input by property name (Import-Csv).
/// Every string parameter of every cmdlet carries it unless it is free text or a path (tests/module/Module/Identifiers.Tests.ps1).
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class IdentifierAttribute : ArgumentTransformationAttribute
{
    private readonly string[] _oneOf;

    /// <summary>A name, or with members, a value from that fixed set.</summary>
    public IdentifierAttribute(params string[] oneOf) => _oneOf = oneOf ?? Array.Empty<string>();

    /// <summary>The fixed set whose spelling a value takes (empty for a name).</summary>
    public IReadOnlyList<string> OneOf => _oneOf;

    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case string s:
                return Normalise(s);
            case IList list:
                var result = new object?[list.Count];
                for (int i = 0; i < list.Count; i++)
                {
                    object? item = list[i] is PSObject p ? p.BaseObject : list[i];
                    result[i] = item is string text ? Normalise(text) : list[i];
                }
                return result;
            default:
                return inputData; // not text: the binder converts it (or refuses it) as usual
        }
    }

    private string Normalise(string value) => _oneOf.Length == 0 ? Identifiers.Normalise(value) : Identifiers.OneOf(value, _oneOf);
}
