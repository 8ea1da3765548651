using System;

namespace HealthwatchPolicy.Engine.Storage;

/// <summary>
/// Dates as a British reader writes them ("1 October 2019"), without asking the operating system for the en-GB
/// culture: PowerShell and .NET may run in globalization-invariant mode, where no named culture exists.
/// </summary>
internal static class EnglishDate
{
    private static readonly string[] s_months =
    {
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    };

    /// <summary>"1 October 2019".</summary>
    public static string Long(DateTime date) => $"{date.Day} {s_months[date.Month - 1]} {date.Year}";

    /// <summary>"October 2019".</summary>
    public static string MonthYear(DateTime date) => $"{s_months[date.Month - 1]} {date.Year}";
}
