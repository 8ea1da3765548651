using System.Globalization;

namespace HealthwatchPolicy.Engine.Text;

/// <summary>Counts in plain English for documents people read: "1 month", "3 months", "every month", "every 3 months" (never "month(s)").</summary>
internal static class EnglishCount
{
    /// <summary><paramref name="n"/> and the noun, singular for 1: <c>Of(1, "month")</c> is "1 month", <c>Of(3, "month")</c> "3 months".</summary>
    public static string Of(long n, string one, string? many = null) =>
        n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many ?? one + "s");

    /// <summary>A repeat interval: <c>Every(1, "month")</c> is "every month", <c>Every(3, "month")</c> "every 3 months".</summary>
    public static string Every(long n, string one, string? many = null) =>
        n == 1 ? "every " + one : "every " + Of(n, one, many);
}
