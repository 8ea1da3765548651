using System;
using System.IO;

namespace HealthwatchPolicy.BrowserTests;

/// <summary>Where things are in the repository, found by walking up from the test assembly.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> s_root = new(FindRoot);

    /// <summary>The directory that holds HealthwatchPolicy.slnx.</summary>
    public static string Root => s_root.Value;

    /// <summary>The policy that ships with the module.</summary>
    public static string BundledPolicy => Path.Combine(Root, "policy", "social-media-policy.yaml");

    /// <summary><c>out/screenshots</c>: one full-page PNG per scan (the report, the policy in standard and large print, the
    /// review mails, at 1280 and 320 CSS px), for a person to look at.</summary>
    public static string Screenshots => Path.Combine(Root, "out", "screenshots");

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HealthwatchPolicy.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException(
            $"No HealthwatchPolicy.slnx above {AppContext.BaseDirectory}: the browser tests run from inside the repository.");
    }
}
