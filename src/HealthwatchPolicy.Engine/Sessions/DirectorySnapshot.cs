using System;

namespace HealthwatchPolicy.Engine.Sessions;

/// <summary>What Export-HwDirectorySnapshot wrote.</summary>
public sealed class DirectorySnapshot
{
    internal DirectorySnapshot(string path, string source, DateTimeOffset takenAt, int users, int groups, int posters, int journalEntries)
    {
        Path = path;
        Source = source;
        TakenAt = takenAt;
        Users = users;
        PostingGroups = groups;
        Posters = posters;
        JournalEntries = journalEntries;
    }

    /// <summary>The organisation folder written (its <c>directory.json</c> and <c>state/</c>).</summary>
    public string Path { get; }
    /// <summary>The directory it was taken from (<see cref="DirectoryConnection.Directory"/>).</summary>
    public string Source { get; }
    /// <summary>When it was taken (the session clock).</summary>
    public DateTimeOffset TakenAt { get; }
    /// <summary>How many users it holds.</summary>
    public int Users { get; }
    /// <summary>How many posting groups it holds.</summary>
    public int PostingGroups { get; }
    /// <summary>How many poster memberships it holds, over all posting groups.</summary>
    public int Posters { get; }
    /// <summary>How many journal entries were copied.</summary>
    public int JournalEntries { get; }
}
