using System;
using System.IO;

namespace HealthwatchPolicy.Engine.Tests;

/// <summary>Paths in the checkout, found from the test binary's folder.</summary>
internal static class Repo
{
    public static readonly string Root = FindRoot();
    public static string PolicyPath => Path.Combine(Root, "policy", "social-media-policy.yaml");
    public static string SchemaPath => Path.Combine(Root, "policy", "schema", "healthwatch-policy.schema.json");

    /// <summary>The seed policy text beside the checkout (../shared/seed), as the design says.</summary>
    public static string SeedPath => Path.Combine(Root, "..", "shared", "seed", "000_964a9fc1c6ff2bd0.txt");

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "HealthwatchPolicy.slnx")))
                return d.FullName;
        throw new InvalidOperationException("Cannot find the repository root from " + AppContext.BaseDirectory);
    }
}
