using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using HealthwatchPolicy.Engine.Errors;

namespace HealthwatchPolicy.Engine.Tests.Errors;

/// <summary>One catalogue of error ids (Errors/ErrorIds.cs): one kind per id, and no id written anywhere else.</summary>
public sealed class ErrorCatalogTests
{
    private static readonly FieldInfo[] s_fields = typeof(ErrorIds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).ToArray();

    /// <summary>Every C# file of the module's own code (engine, Graph adapter, cmdlets), with its path from the root.</summary>
    private static IEnumerable<(string Path, string Text)> Sources() =>
        Directory.EnumerateFiles(Path.Combine(Repo.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (Path.GetRelativePath(Repo.Root, f).Replace('\\', '/'), File.ReadAllText(f)));

    [Fact]
    public void Every_id_is_its_own_name_PascalCase_unique_and_has_exactly_one_kind()
    {
        Assert.True(s_fields.Length >= 50, $"only {s_fields.Length} ids: is the catalogue read?");
        foreach (FieldInfo f in s_fields)
        {
            string id = (string)f.GetRawConstantValue()!;
            Assert.Equal(f.Name, id);
            Assert.Matches("^[A-Z][a-z]+(?:[A-Z][a-z]*)+$", id);
            ErrorKindAttribute kind = Assert.Single(f.GetCustomAttributes<ErrorKindAttribute>());
            Assert.Equal(kind.Kind, ErrorIds.KindOf(id));
        }
        Assert.Equal(s_fields.Length, ErrorIds.All.Count);
        Assert.Equal(HwErrorKind.NotSpecified, ErrorIds.KindOf("NoSuchId"));
    }

    [Fact]
    public void The_ids_the_review_found_twice_are_one_id_with_one_kind()
    {
        Assert.Equal(HwErrorKind.ObjectNotFound, ErrorIds.KindOf(ErrorIds.UserNotFound));
        Assert.Equal(HwErrorKind.ConnectionError, ErrorIds.KindOf(ErrorIds.MailNotSent));
        Assert.DoesNotContain("MailboxMissing", ErrorIds.All.Keys);   // one id for a missing From mailbox: MailFromRequired
        Assert.Contains(ErrorIds.MailFromRequired, ErrorIds.All.Keys);
    }

    [Fact]
    public void No_error_id_is_written_as_a_string_outside_the_catalogue()
    {
        var ids = new HashSet<string>(ErrorIds.All.Keys, StringComparer.Ordinal);
        var literal = new Regex("\"([A-Za-z]+)\"");
        // An id given as a literal where an error is made, even one the catalogue lacks.
        var made = new Regex(@"(?:HwException|GraphRequestException|PolicyRefusalException|base|new)\(\s*""[A-Z]\w*""\s*,");
        var offences = new List<string>();
        foreach ((string path, string text) in Sources().Where(s => !s.Path.EndsWith("Errors/ErrorIds.cs", StringComparison.Ordinal)))
        {
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match m in literal.Matches(lines[i]))
                    if (ids.Contains(m.Groups[1].Value))
                        offences.Add($"{path}:{i + 1}: \"{m.Groups[1].Value}\"");
                if (made.IsMatch(lines[i]))
                    offences.Add($"{path}:{i + 1}: {lines[i].Trim()}");
                if (lines[i].Contains("new ErrorRecord(") && !path.EndsWith("HealthwatchPolicy/ErrorMapping.cs", StringComparison.Ordinal))
                    offences.Add($"{path}:{i + 1}: an ErrorRecord made outside ErrorMapping");
            }
        }
        Assert.Empty(offences);
    }

    [Fact]
    public void No_engine_message_names_a_cmdlet_parameter()
    {
        // The old shape: "-From: ...", $"-{parameter} is empty", "-Url must be ...". The cmdlets word parameters now.
        // Only error messages are read (the arguments of an engine error); command examples in mail and remedies stay.
        var error = new Regex(@"(?:HwException|GraphRequestException|Missing)\((?<args>[^;]*);");
        var leading = new Regex(@"\$?@?""-(?:\{|[A-Z][a-z])");
        var offences = Sources()
            .Where(s => s.Path.StartsWith("src/HealthwatchPolicy.Engine", StringComparison.Ordinal))
            .SelectMany(s => error.Matches(s.Text).Where(m => leading.IsMatch(m.Groups["args"].Value))
                .Select(m => $"{s.Path}:{s.Text.Substring(0, m.Index).Count(c => c == '\n') + 1}: {m.Groups["args"].Value.Trim()}"))
            .ToList();
        Assert.NotEmpty(Sources().Where(s => s.Path.StartsWith("src/HealthwatchPolicy.Engine", StringComparison.Ordinal)).SelectMany(s => error.Matches(s.Text)));
        Assert.Empty(offences);
    }
}
