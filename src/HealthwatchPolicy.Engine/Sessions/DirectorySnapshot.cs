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

    public string Path { get; }
    public string Source { get; }
    public DateTimeOffset TakenAt { get; }
    public int Users { get; }
    public int PostingGroups { get; }
    public int Posters { get; }
    public int JournalEntries { get; }
}
