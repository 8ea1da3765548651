using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;

namespace HealthwatchPolicy.Benchmarks;

/// <summary>What was generated, and what the minimum-round-trip arithmetic needs from it.</summary>
internal sealed class GeneratedOrganisation
{
    public required string Folder { get; init; }
    public required string StateFolder { get; init; }
    public string DirectoryJson => Path.Combine(Folder, "directory.json");
    public required int Users { get; init; }
    public required int Accounts { get; init; }
    public required int PostingGroups { get; init; }
    public required int OtherGroups { get; init; }
    public required int JournalEntries { get; init; }
    public required long DirectoryBytes { get; init; }
}

/// <summary>
/// A deterministic synthetic organisation in the local directory format (directory.json + a journal in state/):
/// users with line managers, employee types, a few disabled and guest accounts and acknowledgement extensions; the
/// given number of registered posting groups (HW-Posting-*) with 1-4 posters, owner and line-manager consent; two
/// posting-prefixed groups with no register entry; and ordinary team groups the register must not read. The journal
/// holds the accounts' creation and most grants, so the report finds a realistic mix rather than one finding per poster.
/// </summary>
internal static class OrganisationGenerator
{
    private const string Domain = "hwsefton.example";
    private const string PolicyVersion = "2018.10";
    private static readonly string[] s_platforms = { "Facebook", "X", "Instagram", "YouTube", "LinkedIn", "TikTok" };
    private static readonly string[] s_first = { "Aisha", "Ben", "Chloe", "Dev", "Ellen", "Femi", "Grace", "Harry", "Isla", "Jack", "Kiran", "Lucy", "Mo", "Nia", "Owen", "Priya", "Rhys", "Sana", "Tom", "Zara" };
    private static readonly string[] s_last = { "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Foster", "Green", "Hughes", "Iqbal", "Jones", "Kelly", "Lewis", "Murphy", "Nolan", "Owens", "Patel", "Quinn", "Roberts", "Smith", "Taylor" };

    public static GeneratedOrganisation Generate(string folder, int userCount, int accountCount, int seed, bool writeJournal)
    {
        if (userCount < 50)
            throw new ArgumentOutOfRangeException(nameof(userCount), "At least 50 users.");
        var random = new Random(seed);
        Directory.CreateDirectory(folder);
        string state = Path.Combine(folder, "state");
        Directory.CreateDirectory(state);

        // ---- users: a chair, the two policy role holders, line managers (1 per 25), everyone else
        int managerCount = Math.Max(5, userCount / 25);
        var users = new List<JsonObject>(userCount);
        var ids = new string[userCount];
        var upns = new string[userCount];
        var managerOf = new int[userCount];
        var type = new string?[userCount];
        var enabled = new bool[userCount];
        for (int i = 0; i < userCount; i++)
        {
            ids[i] = NewId(random);
            (string upn, string name) = i switch
            {
                0 => ($"margaret.ellis@{Domain}", "Margaret Ellis"),
                1 => ($"sarah.whitfield@{Domain}", "Sarah Whitfield"),   // the policy's Manager role
                2 => ($"daniel.okafor@{Domain}", "Daniel Okafor"),       // the policy's Communications Officer role
                _ => Person(i),
            };
            upns[i] = upn;
            bool isManager = i >= 3 && i < 3 + managerCount;
            managerOf[i] = i == 0 ? -1 : i <= 2 || isManager ? 1 : 3 + random.Next(managerCount);
            if (i == 1) managerOf[i] = 0;
            double t = random.NextDouble();
            type[i] = i == 0 ? "Trustee" : i <= 2 || isManager ? "Staff"
                : t < 0.55 ? "Staff" : t < 0.85 ? "Volunteer" : t < 0.90 ? "Trustee" : t < 0.95 ? "Contractor" : null;
            enabled[i] = i < 3 + managerCount || random.NextDouble() >= 0.03;
            bool guest = i >= 3 + managerCount && random.NextDouble() < 0.02;
            var u = new JsonObject
            {
                ["id"] = ids[i],
                ["userPrincipalName"] = upn,
                ["displayName"] = name,
                ["mail"] = upn,
                ["accountEnabled"] = enabled[i],
            };
            if (type[i] is not null) u["employeeType"] = type[i];
            u["userType"] = guest ? "Guest" : "Member";
            u["jobTitle"] = i == 0 ? "Chair of Trustees" : i == 1 ? "Manager" : i == 2 ? "Communications Officer"
                : isManager ? "Team Leader" : type[i] switch { "Staff" => "Officer", "Volunteer" => "Volunteer", "Trustee" => "Trustee", _ => "Associate" };
            double a = random.NextDouble();
            if (a < 0.85 || i <= 2)
                u["extension"] = Acknowledgement(new[] { PolicyVersion }, new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero).AddMinutes(i));
            else if (a < 0.90)
                u["extension"] = Acknowledgement(new[] { "2016.04" }, new DateTimeOffset(2017, 6, 1, 9, 0, 0, TimeSpan.Zero).AddMinutes(i));
            users.Add(u);
        }
        for (int i = 0; i < userCount; i++)
            if (managerOf[i] >= 0)
                users[i]["managerId"] = ids[managerOf[i]];

        // ---- posting groups with register entries
        var groups = new JsonArray();
        var journal = new List<JournalRecord>();
        int firstOrdinary = 3 + managerCount;
        int PickPoster()
        {
            // mostly staff and volunteers; a few of anyone (which is what the report is there to find)
            for (int tries = 0; tries < 20; tries++)
            {
                int i = firstOrdinary + random.Next(userCount - firstOrdinary);
                if (type[i] is "Staff" or "Volunteer" || random.NextDouble() < 0.15)
                    return i;
            }
            return firstOrdinary + random.Next(userCount - firstOrdinary);
        }
        for (int a = 0; a < accountCount; a++)
        {
            string platform = s_platforms[a % s_platforms.Length];
            string handle = $"hwsefton-{a:D3}";
            string name = OfficialAccount.MakeName(platform, handle);
            int owner;
            do owner = PickPoster(); while (!enabled[owner] || type[owner] != "Staff");
            double c = random.NextDouble();
            string? consent = c < 0.92 ? ids[managerOf[owner]] : c < 0.97 ? ids[PickPoster()] : null;
            bool retired = random.NextDouble() < 0.03;
            double p = random.NextDouble();
            int posterCount = retired ? 0 : p < 0.15 ? 1 : p < 0.45 ? 2 : p < 0.90 ? 3 : 4;
            var posters = new List<int>();
            if (posterCount > 0 && random.NextDouble() < 0.7)
                posters.Add(owner);
            while (posters.Count < posterCount)
            {
                int candidate = PickPoster();
                if (!posters.Contains(candidate))
                    posters.Add(candidate);
            }
            var created = new DateTimeOffset(2025, 1, 6, 10, 0, 0, TimeSpan.Zero).AddHours(a);
            var entry = new RegisterEntry
            {
                Name = name,
                Platform = platform,
                Handle = handle,
                Url = $"https://social.example/{platform.ToLowerInvariant()}/{handle}",
                Purpose = "News, events and surveys for the people of Sefton.",
                OwnerId = ids[owner],
                ConsentById = consent,
                ConsentDate = consent is null ? null : created.UtcDateTime.Date.AddDays(-3),
                Status = retired ? RegisterEntry.Retired : RegisterEntry.Active,
                CreatedAt = created,
                RetiredAt = retired ? created.AddDays(30) : null,
            };
            string groupName = "HW-Posting-" + name;
            groups.Add(new JsonObject
            {
                ["id"] = NewId(random),
                ["displayName"] = groupName,
                ["description"] = $"People who may post to the official {platform} account {handle} (HealthwatchPolicy register).",
                ["mailNickname"] = groupName,
                ["members"] = new JsonArray(posters.Select(i => (JsonNode?)ids[i]).ToArray()),
                ["extension"] = entry.ToJson(),
            });
            journal.Add(new JournalRecord($"daniel.okafor@{Domain}", JournalActions.AccountCreated, name, upns[owner],
                "Set up with line-manager consent.", PolicyVersion, null, entry.ToJson()));
            foreach (int poster in posters)
                if (random.NextDouble() < 0.95) // the rest were added outside the module: PosterNotJournaled
                    journal.Add(new JournalRecord($"daniel.okafor@{Domain}", JournalActions.PostingAccessGranted, name, upns[poster],
                        "Covers the account's events.", PolicyVersion, new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true }));
            if (retired)
                journal.Add(new JournalRecord($"daniel.okafor@{Domain}", JournalActions.AccountRetired, name, null, "Page closed.", PolicyVersion, null, null));
        }

        // ---- two posting-prefixed groups nobody registered, and ordinary groups the register must not read
        for (int s = 0; s < 2; s++)
            groups.Add(new JsonObject
            {
                ["id"] = NewId(random),
                ["displayName"] = $"HW-Posting-old-page-{s}",
                ["mailNickname"] = $"HW-Posting-old-page-{s}",
                ["members"] = new JsonArray((JsonNode?)ids[PickPoster()]),
            });
        int otherGroups = Math.Max(5, userCount / 100);
        for (int g = 0; g < otherGroups; g++)
        {
            var members = Enumerable.Range(0, 10 + random.Next(40)).Select(_ => ids[random.Next(userCount)]).Distinct()
                .Select(m => (JsonNode?)m).ToArray();
            groups.Add(new JsonObject
            {
                ["id"] = NewId(random),
                ["displayName"] = $"Team {g:D3}",
                ["mailNickname"] = $"team{g:D3}",
                ["members"] = new JsonArray(members),
            });
        }

        var doc = new JsonObject
        {
            ["organisation"] = $"Healthwatch Sefton (synthetic, {userCount} users, {accountCount} accounts)",
            ["users"] = new JsonArray(users.Select(u => (JsonNode?)u).ToArray()),
            ["groups"] = groups,
        };
        File.WriteAllText(Path.Combine(folder, "directory.json"), doc.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));

        int journalEntries = 0;
        if (writeJournal)
        {
            // Written by the engine's own FileJournal (so the format and hash chain are the real ones), in memory-backed
            // /dev/shm where there is one: every append is flushed to disk, which is slow and beside the point here.
            string scratch = Directory.Exists("/dev/shm") ? Path.Combine("/dev/shm", "hw-bench-journal-" + Guid.NewGuid().ToString("N")) : state;
            Directory.CreateDirectory(scratch);
            var clock = new SteppingClock(new DateTimeOffset(2025, 1, 6, 9, 0, 0, TimeSpan.Zero));
            var file = new FileJournal(scratch, clock);
            foreach (JournalRecord record in journal)
            {
                file.Append(record);
                journalEntries++;
            }
            if (scratch != state)
            {
                foreach (string name in new[] { "journal.jsonl", "journal.head" })
                    File.Copy(Path.Combine(scratch, name), Path.Combine(state, name), overwrite: true);
                Directory.Delete(scratch, recursive: true);
            }
        }
        return new GeneratedOrganisation
        {
            Folder = folder,
            StateFolder = state,
            Users = userCount,
            Accounts = accountCount,
            PostingGroups = accountCount + 2,
            OtherGroups = otherGroups,
            JournalEntries = journalEntries,
            DirectoryBytes = new FileInfo(Path.Combine(folder, "directory.json")).Length,
        };
    }

    private static (string Upn, string Name) Person(int i)
    {
        string first = s_first[i % s_first.Length], last = s_last[(i / s_first.Length) % s_last.Length];
        return ($"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}{i.ToString(CultureInfo.InvariantCulture)}@{Domain}", $"{first} {last} {i}");
    }

    private static JsonObject Acknowledgement(string[] versions, DateTimeOffset at) => new()
    {
        ["extensionName"] = "org.healthwatch.policy.acknowledgement",
        ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)v).ToArray()),
        ["acknowledgedAt"] = new JsonArray(versions.Select(_ => (JsonNode?)at.ToString("o", CultureInfo.InvariantCulture)).ToArray()),
        ["recordedBy"] = new JsonArray(versions.Select(_ => (JsonNode?)$"daniel.okafor@{Domain}").ToArray()),
    };

    /// <summary>A random (version 4 shaped) GUID from the seeded source, so every run builds the same organisation.</summary>
    private static string NewId(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    private sealed class SteppingClock : TimeProvider
    {
        private DateTimeOffset _now;

        public SteppingClock(DateTimeOffset start) => _now = start;

        public override DateTimeOffset GetUtcNow() => _now = _now.AddMinutes(7);
    }
}
