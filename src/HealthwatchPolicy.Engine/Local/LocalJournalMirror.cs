using System;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Storage;

namespace HealthwatchPolicy.Engine.Local;

/// <summary>
/// The journal head's second home on this machine: a small JSON file outside the state folder
/// (<c>{"journal":"…","sequence":N,"hash":"…"}</c>), by default in LocalApplicationData/HealthwatchPolicy/head-mirrors,
/// named by a hash of the journal's full path, or in the folder <c>HEALTHWATCHPOLICY_HEAD_MIRROR</c> names.
/// </summary>
internal sealed class LocalJournalMirror : IUpdatableJournalMirror
{
    /// <summary>The environment variable that names the folder of the mirrors (instead of LocalApplicationData).</summary>
    public const string FolderVariable = "HEALTHWATCHPOLICY_HEAD_MIRROR";
    private readonly string _journal;

    public LocalJournalMirror(string path, string journalLocation)
    {
        Location = path;
        _journal = journalLocation;
    }

    /// <summary>The mirror for the journal at <paramref name="journalLocation"/>, in <paramref name="folder"/> or the default folder.</summary>
    public static LocalJournalMirror For(string journalLocation, string? folder = null)
    {
        folder ??= Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } configured ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
                "HealthwatchPolicy", "head-mirrors");
        // A journal in the shared store is named by its URL; a local one by its full path.
        string full = Uri.TryCreate(journalLocation, UriKind.Absolute, out Uri? url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
            ? journalLocation
            : Path.GetFullPath(journalLocation);
        using var sha = SHA256.Create();
        byte[] digest = sha.ComputeHash(Encoding.UTF8.GetBytes(full));
        var name = new StringBuilder("journal-");
        for (int i = 0; i < 12; i++)
            name.Append(digest[i].ToString("x2", CultureInfo.InvariantCulture));
        return new LocalJournalMirror(Path.Combine(Path.GetFullPath(folder), name + ".json"), full);
    }

    public string Location { get; }

    public JournalMirrorState? Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(Location);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        try
        {
            if (JsonNode.Parse(text) is JsonObject o)
            {
                if (o["journal"] is JsonValue j && j.TryGetValue(out string? journal) && !string.Equals(journal, _journal, StringComparison.Ordinal))
                    return null; // another journal's mirror (as on Graph): proves nothing about this one
                return new JournalMirrorState(Mark(o["verified"]), Mark(o["pending"]), o["fingerprint"] is JsonValue f && f.TryGetValue(out string? fp) ? fp : null);
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
        }
        // An unreadable mirror proves nothing either way; it is rewritten after the next full verification.
        return null;
    }

    private static JournalMark? Mark(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out string? text) && JournalMark.TryParse(text, out JournalMark? mark) ? mark : null;

    /// <summary>Drops the mirror of a journal that no longer exists as such: only for a journal the module has just made
    /// afresh (a new copy of the sample organisation), never for one it found.</summary>
    public void Forget()
    {
        if (File.Exists(Location))
            File.Delete(Location);
    }

    public void Write(JournalMirrorState state)
    {
        using FileStream held = Lock();
        WriteUnlocked(state);
    }

    public void Update(Func<JournalMirrorState?, JournalMirrorState?> change)
    {
        using FileStream held = Lock();
        if (change(Read()) is { } next)
            WriteUnlocked(next);
    }

    /// <summary>The mirror's lock file (<c>&lt;mirror&gt;.lock</c>) held exclusively: every write of this mirror, by any
    /// process, takes it, so a read-change-write by a check and a writer's pending point never interleave.</summary>
    private FileStream Lock()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Location)!);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(Location + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                // Another process holds it for the few milliseconds a read and a write take: try again shortly.
                System.Threading.Thread.Sleep(Math.Min(50, 2 + attempt));
            }
        }
    }

    private void WriteUnlocked(JournalMirrorState state)
    {
        var o = new JsonObject
        {
            ["journal"] = _journal,
            ["verified"] = state.Verified?.ToString(),
            ["pending"] = state.Pending?.ToString(),
            ["fingerprint"] = state.Fingerprint,
        };
        AtomicFile.WriteAllText(Location, o.ToJsonString() + "\n");
    }
}
