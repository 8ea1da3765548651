using System;
using System.IO;
using System.Linq;
using CsCheck;
using HealthwatchPolicy.Engine.Policy;

namespace HealthwatchPolicy.Engine.Tests.Policy;

/// <summary>
/// Property: whatever is done to the policy text, the loader either loads it or reports diagnostics with
/// positions inside the file. Never an unhandled exception, never a half-loaded policy.
/// </summary>
public class PolicyMutationTests
{
    private static readonly string[] s_lines = File.ReadAllText(Repo.PolicyPath).Split('\n');

    private static readonly string[] s_junk =
    {
        "", "  ", "- ", ":", "[", "]", "{", "}", "'", "\"", "#", "&a", "*a", "!!int", "|", ">-", "---", "...", "~",
        "null", "true", "3", "-1", "99999999999999999999", "2018-13-45", "x: y", "colour: red", "  - id: SMP-9.9",
        "checks: [Nope]", "kind: enforced", "kind: maybe", "\t", "é", "’", "apiVersion: v2",
    };

    private static readonly Gen<string> s_mutant =
        Gen.Int[1, 6].SelectMany(n => Gen.Select(Gen.Int[0, 5], Gen.Int[0, s_lines.Length - 1], Gen.Int[0, s_junk.Length - 1], Gen.Int[0, 200])
                .Array[n])
            .Select(ops =>
            {
                var lines = s_lines.ToList();
                foreach ((int op, int line, int junk, int col) in ops)
                {
                    int at = Math.Min(line, lines.Count - 1);
                    if (lines.Count == 0) { lines.Add(s_junk[junk]); continue; }
                    string l = lines[at];
                    int c = Math.Min(col, l.Length);
                    switch (op)
                    {
                        case 0: lines.RemoveAt(at); break;                                   // delete a line
                        case 1: lines.Insert(at, lines[at]); break;                           // duplicate a line
                        case 2: lines[at] = l.Substring(0, c) + s_junk[junk] + l.Substring(c); break; // insert junk
                        case 3: lines[at] = "  " + l; break;                                  // indent
                        case 4: lines[at] = l.TrimStart(); break;                             // dedent
                        default:                                                              // replace a value
                            int colon = l.IndexOf(": ", StringComparison.Ordinal);
                            lines[at] = colon > 0 ? l.Substring(0, colon + 2) + s_junk[junk] : s_junk[junk];
                            break;
                    }
                }
                return string.Join("\n", lines);
            });

    /// <summary>Issue 11, kind 3: a diagnostic at the start of a comment line (such as 1:1 here) is in the wrong place.</summary>
    private static bool PointsIntoAComment(string[] lines, PolicyDiagnostic d)
    {
        if (d.Line > lines.Length)
            return false;
        string line = lines[d.Line - 1];
        int hash = line.IndexOf('#');
        return hash >= 0 && line.Substring(0, hash).Trim(' ').Length == 0 && d.Column <= hash + 1;
    }

    [Fact]
    public void Every_mutant_loads_or_reports_positioned_diagnostics()
    {
        int loaded = 0, refused = 0;
        s_mutant.Sample(text =>
        {
            PolicyLoadResult r = PolicyLoader.LoadText(text, "mutant.yaml");
            int lineCount = text.Split('\n').Length;
            if (r.IsValid)
            {
                loaded++;
                return r.Diagnostics.Count == 0 && r.Policy!.Clauses.Count > 0;
            }
            refused++;
            string[] lines = text.Split('\n');
            PolicyDiagnostic? wrong = r.Diagnostics.FirstOrDefault(d => PointsIntoAComment(lines, d));
            Assert.True(wrong is null, $"points into a comment: {wrong}");
            return r.Policy is null && r.Diagnostics.Count > 0 && r.Diagnostics.All(d =>
                d.File == "mutant.yaml" && d.Line >= 1 && d.Line <= lineCount + 1 && d.Column >= 1
                && !string.IsNullOrWhiteSpace(d.Message));
        }, iter: 2000, threads: 1);
        Assert.True(refused > 0 && loaded + refused >= 2000, $"loaded {loaded}, refused {refused}");
    }
}
