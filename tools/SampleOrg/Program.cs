using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Access;
using HealthwatchPolicy.Engine.Checks;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Register;
using HealthwatchPolicy.Engine.Sessions;

namespace SampleOrg;

/// <summary>
/// Writes the bundled sample organisation: <c>directory.json</c> (the local directory format) and
/// <c>state/journal.jsonl</c> + <c>journal.head</c>, appended only through the engine's <see cref="FileJournal"/>
/// with a clock set to each historical time, so the hash chain is genuine. Everything is fixed data and
/// name-based GUIDs: re-running gives byte-identical files. Then reloads what it wrote and checks it.
/// The planted breaches (a-i) are described in docs/sample-organisation.md.
/// </summary>
internal static class Program
{
    private const string Domain = "hwsefton.example";
    private const string Organisation = "Healthwatch Sefton";
    private const string Current = "2018.10";
    private const string Old = "2016.04";
    private const string GroupPrefix = "HW-Posting-";
    private const string Actor = "craig.bennett@" + Domain; // the IT & Data Officer runs the module
    private static readonly Guid s_namespace = new("5b0f3c0e-8d2a-4e61-9c4e-2a7d6b1f9e43");

    private static int Main(string[] args)
    {
        if (args.Length is < 1 or > 2)
        {
            Console.Error.WriteLine("Usage: dotnet run --project tools/SampleOrg -- <organisation folder, e.g. policy/sample-org> [policy.yaml]");
            return 2;
        }
        string org = Path.GetFullPath(args[0]);
        string policyPath = args.Length > 1
            ? Path.GetFullPath(args[1])
            : Path.GetFullPath(Path.Combine(org, "..", "social-media-policy.yaml"));

        Generate(org);
        return Check.Run(org, policyPath) ? 0 : 1;
    }

    // ------------------------------------------------------------------ the organisation

    private sealed record Person(string Key, string DisplayName, string EmployeeType, string JobTitle, string? Manager,
        bool Enabled = true, string? GuestMail = null)
    {
        public string Upn => GuestMail is null ? Key + "@" + Domain : GuestMail.Replace("@", "_", StringComparison.Ordinal) + "#EXT#@" + Domain;
        public string Mail => GuestMail ?? Upn;
        public string Id => NameGuid("user:" + Upn);
    }

    private sealed record Ack(string Person, string Version, DateTimeOffset At, string Reason);

    /// <summary>
    /// Issue 15: what Graph would say about a person's sign-in methods (<c>mfaMethods</c>, Graph's method type names
    /// without <c>password</c>), last sign-in and leave date, dated as of <see cref="HwEngine.SampleDatesAsOf"/>
    /// (a copy made by Connect-HwDirectory -Sample moves them to its own today, decision 0174).
    /// </summary>
    private sealed record Facts(string[] Mfa, string LastSignIn, string? Leave = null);

    /// <summary>A poster; Granted null means the member was added outside the module (no journal entry).</summary>
    private sealed record Poster(string Person, DateTimeOffset? Granted, string Reason, string PolicyVersion = Current);

    private sealed record Account(string Platform, string Handle, string? Url, string Purpose, string Owner,
        string? ConsentBy, DateTime? ConsentDate, DateTimeOffset Created, string CreateReason, Poster[] Posters,
        string PolicyVersion = Current)
    {
        public string Name => OfficialAccount.MakeName(Platform, Handle);
        public string GroupName => GroupPrefix + Name;
        public string GroupId => NameGuid("group:" + Name);
    }

    private static readonly Person[] s_people =
    {
        // Trustees: the chair has no manager; the other trustees report to her.
        new("margaret.ellis", "Margaret Ellis", "Trustee", "Chair of Trustees", null),
        new("robert.ainsworth", "Robert Ainsworth", "Trustee", "Trustee (Treasurer)", "margaret.ellis"),
        new("helen.brennan", "Helen Brennan", "Trustee", "Trustee", "margaret.ellis"),
        new("graham.pritchard", "Graham Pritchard", "Trustee", "Trustee", "margaret.ellis"),           // (c) was an Engagement Officer until Dec 2025
        // Staff
        new("sarah.whitfield", "Sarah Whitfield", "Staff", "Healthwatch Manager", "margaret.ellis"),   // policy role Manager
        new("daniel.okafor", "Daniel Okafor", "Staff", "Communications Officer", "sarah.whitfield"),   // policy role CommunicationsOfficer
        new("aisha.rahman", "Aisha Rahman", "Staff", "Engagement Officer", "sarah.whitfield"),
        new("tom.gallagher", "Tom Gallagher", "Staff", "Engagement Officer", "sarah.whitfield"),       // (f)
        new("nadia.khan", "Nadia Khan", "Staff", "Engagement Officer (Children and Young People)", "sarah.whitfield"),
        new("joanne.mckenna", "Joanne McKenna", "Staff", "Volunteer Coordinator", "sarah.whitfield"),
        new("rebecca.lloyd", "Rebecca Lloyd", "Staff", "Research and Information Officer", "sarah.whitfield"), // posts nowhere: demo grant succeeds
        new("craig.bennett", "Craig Bennett", "Staff", "IT & Data Officer", "sarah.whitfield"),
        new("susan.kelly", "Susan Kelly", "Staff", "Office Administrator", "sarah.whitfield"),
        new("kate.singleton", "Kate Singleton", "Staff", "Finance Officer", "sarah.whitfield"),
        new("jason.turner", "Jason Turner", "Staff", "Engagement Officer", "sarah.whitfield", Enabled: false), // (b) the leaver
        // Appointed volunteers, managed by the Volunteer Coordinator
        new("patricia.walsh", "Patricia Walsh", "Volunteer", "Enter and View Authorised Representative", "joanne.mckenna"),
        new("dev.patel", "Dev Patel", "Volunteer", "Digital Champion", "joanne.mckenna"),
        new("chloe.fitzgerald", "Chloe Fitzgerald", "Volunteer", "Young Listener", "joanne.mckenna"),
        new("liam.hughes", "Liam Hughes", "Volunteer", "Young Listener (video)", "joanne.mckenna"),    // (e)
        new("eileen.moran", "Eileen Moran", "Volunteer", "Community Champion (Bootle)", "joanne.mckenna"),
        new("frank.roberts", "Frank Roberts", "Volunteer", "Community Champion (Southport)", "joanne.mckenna"),
        new("priya.shah", "Priya Shah", "Volunteer", "Community Champion (Maghull)", "joanne.mckenna", GuestMail: "priya.shah@gmail.com"), // the guest
        // Associates
        new("anne.clarke", "Anne Clarke", "Associate", "Associate (Health Inequalities Research)", "sarah.whitfield"),
        new("ian.murphy", "Ian Murphy", "Associate", "Associate Trainer", "sarah.whitfield"),
    };

    private static readonly Dictionary<string, Facts> s_facts = new(StringComparer.Ordinal)
    {
        ["margaret.ellis"] = new(new[] { "microsoftAuthenticator" }, "2026-11-20 19:05"),
        ["robert.ainsworth"] = new(new[] { "phone" }, "2026-11-12 08:40"),
        ["helen.brennan"] = new(Array.Empty<string>(), "2026-10-01 18:20"),                       // no MFA, but posts nowhere
        ["graham.pritchard"] = new(new[] { "microsoftAuthenticator" }, "2026-11-24 10:15"),
        ["sarah.whitfield"] = new(new[] { "microsoftAuthenticator", "fido2" }, "2026-11-27 16:45"),
        ["daniel.okafor"] = new(new[] { "microsoftAuthenticator", "fido2" }, "2026-11-27 17:30"),
        ["aisha.rahman"] = new(new[] { "microsoftAuthenticator" }, "2026-11-26 09:05"),
        ["tom.gallagher"] = new(new[] { "microsoftAuthenticator" }, "2026-11-27 12:10"),
        ["nadia.khan"] = new(new[] { "microsoftAuthenticator", "phone" }, "2026-11-26 15:50"),
        ["joanne.mckenna"] = new(Array.Empty<string>(), "2026-11-27 09:20"),                      // (g) posts with a password only
        ["rebecca.lloyd"] = new(new[] { "microsoftAuthenticator" }, "2026-11-27 11:00"),
        ["craig.bennett"] = new(new[] { "fido2", "microsoftAuthenticator", "softwareOath" }, "2026-11-27 17:55"),
        ["susan.kelly"] = new(new[] { "phone" }, "2026-11-27 08:55"),
        ["kate.singleton"] = new(new[] { "microsoftAuthenticator" }, "2026-11-25 14:30"),
        ["jason.turner"] = new(new[] { "microsoftAuthenticator" }, "2026-06-26 16:58", "2026-06-26 17:00"), // (b) left in June
        ["patricia.walsh"] = new(new[] { "phone" }, "2026-11-13 12:30", "2026-11-13 17:00"),        // (h) placement ended, still enabled
        ["dev.patel"] = new(new[] { "microsoftAuthenticator" }, "2026-07-21 18:40"),               // (i) not signed in since July
        ["chloe.fitzgerald"] = new(new[] { "microsoftAuthenticator" }, "2026-11-23 17:10"),
        ["liam.hughes"] = new(new[] { "phone" }, "2026-11-21 16:25"),
        ["eileen.moran"] = new(new[] { "phone" }, "2026-10-20 10:40"),
        ["frank.roberts"] = new(new[] { "phone" }, "2026-09-08 11:15"),
        ["priya.shah"] = new(new[] { "email" }, "2026-11-18 20:05"),                              // guest: one-time passcode by email
        ["anne.clarke"] = new(new[] { "microsoftAuthenticator" }, "2026-08-14 13:00", "2027-03-31 17:00"), // contract ends in March
        ["ian.murphy"] = new(new[] { "microsoftAuthenticator" }, "2026-11-10 09:30"),
    };

    private static readonly Ack[] s_acks =
    {
        // Before February 2025 the organisation's policy file was still the April 2016 policy.
        new("liam.hughes", Old, T("2025-01-13 09:40"), "Signed the social media policy at Young Listeners induction (paper form)."),
        // February 2025: policy 2018.10 adopted in HealthwatchPolicy; staff briefing.
        new("craig.bennett", Current, T("2025-02-03 09:10"), "Policy 2018.10 adopted in HealthwatchPolicy; staff briefing 3 February 2025."),
        new("sarah.whitfield", Current, T("2025-02-03 09:20"), "Staff briefing 3 February 2025."),
        new("daniel.okafor", Current, T("2025-02-03 09:25"), "Staff briefing 3 February 2025."),
        new("aisha.rahman", Current, T("2025-02-04 10:15"), "Signed acknowledgement form after the staff briefing."),
        new("tom.gallagher", Current, T("2025-02-04 10:20"), "Signed acknowledgement form after the staff briefing."),
        new("joanne.mckenna", Current, T("2025-02-05 14:05"), "Signed acknowledgement form after the staff briefing."),
        new("jason.turner", Current, T("2025-02-05 14:10"), "Signed acknowledgement form after the staff briefing."),
        new("graham.pritchard", Current, T("2025-02-06 11:00"), "Signed acknowledgement form after the staff briefing."),
        new("susan.kelly", Current, T("2025-02-06 11:05"), "Signed acknowledgement form after the staff briefing."),
        new("kate.singleton", Current, T("2025-02-07 09:30"), "Signed acknowledgement form after the staff briefing."),
        new("nadia.khan", Current, T("2025-02-07 09:35"), "Signed acknowledgement form after the staff briefing."),
        new("margaret.ellis", Current, T("2025-03-20 18:30"), "Board meeting 20 March 2025: trustees read the policy."),
        new("robert.ainsworth", Current, T("2025-03-20 18:32"), "Board meeting 20 March 2025: trustees read the policy."),
        new("patricia.walsh", Current, T("2025-03-26 13:00"), "Volunteer refresher session."),
        new("dev.patel", Current, T("2025-04-28 15:45"), "Volunteer induction."),
        new("chloe.fitzgerald", Current, T("2025-06-30 16:10"), "Volunteer induction (Young Listeners)."),
        new("priya.shah", Current, T("2025-09-15 10:30"), "Volunteer induction."),
        new("ian.murphy", Current, T("2026-02-09 12:00"), "Associate contract renewal."),
        new("rebecca.lloyd", Current, T("2026-03-09 09:15"), "New starter induction."),
        new("eileen.moran", Current, T("2026-10-12 14:20"), "Volunteer refresher session."),
        // Not acknowledged 2018.10 (Get-HwPolicyAcknowledgement -Missing): liam.hughes (2016.04 only),
        // frank.roberts, helen.brennan, anne.clarke; jason.turner is disabled so is not listed.
    };

    private static readonly Account[] s_accounts =
    {
        // (e) created and granted while the organisation still ran the 2016.04 policy; Liam never acknowledged 2018.10.
        new("YouTube", "@HealthwatchSefton", "https://www.youtube.com/@HealthwatchSefton",
            "Videos of events, Young Listeners projects and how to give feedback.",
            "daniel.okafor", "sarah.whitfield", D("2025-01-10"), T("2025-01-13 10:00"),
            "Registering the YouTube channel for the Young Listeners video project.",
            new[]
            {
                new Poster("liam.hughes", T("2025-01-13 10:05"), "Uploads the Young Listeners videos.", Old),
                new Poster("daniel.okafor", T("2025-04-14 09:50"), "Communications Officer manages the channel."),
            },
            Old),
        // (b) Jason Turner left in June 2026; his account is disabled but he is still a member.
        new("Facebook", "HealthwatchSefton", "https://www.facebook.com/HealthwatchSefton",
            "The main Healthwatch Sefton page: news, events and surveys.",
            "daniel.okafor", "sarah.whitfield", D("2025-02-14"), T("2025-02-17 10:00"),
            "Registering the organisation's main Facebook page.",
            new[]
            {
                new Poster("daniel.okafor", T("2025-02-17 10:02"), "Communications Officer."),
                new Poster("aisha.rahman", T("2025-02-18 11:30"), "Posts engagement events and surveys."),
                new Poster("jason.turner", T("2025-03-03 14:00"), "Posts community outreach sessions."),
            }),
        // (f) Tom Gallagher was added to the group directly in the admin centre: no journal entry.
        new("Twitter", "@HW_Sefton", "https://x.com/HW_Sefton",
            "News, consultations and replies to the public.",
            "daniel.okafor", "sarah.whitfield", D("2025-02-21"), T("2025-02-24 10:00"),
            "Registering the organisation's X (Twitter) account.",
            new[]
            {
                new Poster("daniel.okafor", T("2025-02-24 10:02"), "Communications Officer."),
                new Poster("tom.gallagher", null, "(added in the Entra admin centre, not through the module)"),
            }),
        // (c) Graham Pritchard was granted as an Engagement Officer; he is now a trustee.
        new("LinkedIn", "healthwatch-sefton", "https://www.linkedin.com/company/healthwatch-sefton",
            "Partnership news, reports and vacancies.",
            "sarah.whitfield", "margaret.ellis", D("2025-03-07"), T("2025-03-10 10:00"),
            "Registering the organisation's LinkedIn page.",
            new[]
            {
                new Poster("sarah.whitfield", T("2025-03-10 10:05"), "Manager posts reports and vacancies."),
                new Poster("graham.pritchard", T("2025-03-12 15:20"), "Posts partnership and Enter and View reports."),
            }),
        // (a) Imported from the old spreadsheet register without any consent on file.
        new("WhatsApp", "@HWSeftonVolunteers", null,
            "Broadcast list for appointed volunteers: shifts, training and events.",
            "joanne.mckenna", null, null, T("2025-03-31 10:00"),
            "Imported from the old spreadsheet register; no consent on file.",
            new[]
            {
                new Poster("joanne.mckenna", T("2025-03-31 10:10"), "Volunteer Coordinator runs the broadcast list."),
                new Poster("patricia.walsh", T("2025-04-07 12:40"), "Cover for the Volunteer Coordinator on leave."),
            }),
        // (d) Four posters; the fourth was added for the summer youth campaign and never removed.
        new("Instagram", "@healthwatchsefton", "https://www.instagram.com/healthwatchsefton",
            "Photos and short videos from events, aimed at younger people.",
            "aisha.rahman", "sarah.whitfield", D("2025-05-09"), T("2025-05-12 10:00"),
            "Registering the Instagram account for youth engagement.",
            new[]
            {
                new Poster("aisha.rahman", T("2025-05-12 10:02"), "Account owner."),
                new Poster("daniel.okafor", T("2025-05-12 10:04"), "Communications Officer."),
                new Poster("dev.patel", T("2025-05-19 16:00"), "Digital Champion volunteer: event photos."),
                new Poster("chloe.fitzgerald", T("2025-07-07 11:15"), "Summer youth campaign 2025."),
            }),
        // The clean account: owner with consent, two eligible, acknowledged, journaled posters; room for one more.
        new("Facebook", "SeftonYoungListeners", "https://www.facebook.com/SeftonYoungListeners",
            "The Young Listeners group page: children and young people's views on local services.",
            "nadia.khan", "sarah.whitfield", D("2025-10-31"), T("2025-11-03 10:00"),
            "Registering the Young Listeners Facebook page.",
            new[]
            {
                new Poster("nadia.khan", T("2025-11-03 10:03"), "Account owner."),
                new Poster("chloe.fitzgerald", T("2025-11-10 16:30"), "Young Listener volunteer: event updates."),
            }),
    };

    // ------------------------------------------------------------------ generation

    private static void Generate(string org)
    {
        Dictionary<string, Person> people = s_people.ToDictionary(p => p.Key, StringComparer.Ordinal);
        Person P(string key) => people.TryGetValue(key, out Person? p) ? p : throw new InvalidOperationException($"No person '{key}'.");
        Person actor = s_people.Single(p => p.Upn == Actor);

        // Consistency of the data itself: managers exist, every grant follows its account's creation and an acknowledgement.
        foreach (Person p in s_people)
            if (p.Manager is not null)
                P(p.Manager);
        foreach (Person p in s_people)
            if (!s_facts.TryGetValue(p.Key, out Facts? f) || T(f.LastSignIn) > HwEngine.SampleDatesAsOf)
                throw new InvalidOperationException($"{p.Key}: every person needs facts, signed in before {HwEngine.SampleDatesAsOf:yyyy-MM-dd}.");
        if (s_facts.Keys.Except(s_people.Select(p => p.Key)).FirstOrDefault() is { } stray)
            throw new InvalidOperationException($"Facts for nobody: '{stray}'.");
        foreach (Account a in s_accounts)
        {
            P(a.Owner);
            if (a.ConsentBy is not null && P(a.Owner).Manager != a.ConsentBy)
                throw new InvalidOperationException($"{a.Name}: consent must come from the owner's line manager.");
            foreach (Poster poster in a.Posters.Where(x => x.Granted is not null))
            {
                if (poster.Granted <= a.Created)
                    throw new InvalidOperationException($"{a.Name}: {poster.Person} granted before the account was created.");
                if (!s_acks.Any(k => k.Person == poster.Person && k.Version == poster.PolicyVersion && k.At < poster.Granted))
                    throw new InvalidOperationException($"{a.Name}: {poster.Person} granted before acknowledging {poster.PolicyVersion}.");
            }
        }

        Directory.CreateDirectory(org);
        string state = Path.Combine(org, "state");
        Directory.CreateDirectory(state);
        foreach (string f in new[] { "journal.jsonl", "journal.head", "journal.lock" })
            File.Delete(Path.Combine(state, f));

        // The journal, in time order, written only through the engine.
        var events = new List<(DateTimeOffset At, JournalRecord Record)>();
        foreach (Ack k in s_acks)
            events.Add((k.At, new JournalRecord(Actor, JournalActions.PolicyAcknowledged, null, P(k.Person).Upn, k.Reason, k.Version,
                new JsonObject { ["acknowledged"] = false, ["version"] = k.Version },
                new JsonObject { ["acknowledged"] = true, ["version"] = k.Version })));
        foreach (Account a in s_accounts)
        {
            events.Add((a.Created, new JournalRecord(Actor, JournalActions.AccountCreated, a.Name, P(a.Owner).Upn, a.CreateReason,
                a.PolicyVersion, null, Entry(a).ToJson())));
            foreach (Poster poster in a.Posters.Where(x => x.Granted is not null))
                events.Add((poster.Granted!.Value, new JournalRecord(Actor, JournalActions.PostingAccessGranted, a.Name, P(poster.Person).Upn,
                    poster.Reason, poster.PolicyVersion, new JsonObject { ["member"] = false }, new JsonObject { ["member"] = true })));
        }
        events.Sort((x, y) => x.At.CompareTo(y.At));
        for (int i = 1; i < events.Count; i++)
            if (events[i].At == events[i - 1].At)
                throw new InvalidOperationException($"Two journal entries at {events[i].At:o}.");

        var clock = new HistoricalClock();
        var journal = new FileJournal(state, clock);
        foreach ((DateTimeOffset at, JournalRecord record) in events)
        {
            clock.UtcNow = at;
            journal.Append(record);
        }
        File.Delete(Path.Combine(state, "journal.lock"));

        // The directory.
        var doc = new LocalDirectoryDocument
        {
            Organisation = Organisation,
            Users = s_people.Select(p =>
            {
                AcknowledgementRecord acks = AcknowledgementRecord.Read(null);
                foreach (Ack k in s_acks.Where(k => k.Person == p.Key).OrderBy(k => k.At))
                    acks = acks.With(new AcknowledgementItem(k.Version, k.At, actor.Upn));
                return new LocalUser
                {
                    Id = p.Id,
                    UserPrincipalName = p.Upn,
                    DisplayName = p.DisplayName,
                    Mail = p.Mail,
                    AccountEnabled = p.Enabled,
                    EmployeeType = p.EmployeeType,
                    UserType = p.GuestMail is null ? "Member" : "Guest",
                    ManagerId = p.Manager is null ? null : P(p.Manager).Id,
                    JobTitle = p.JobTitle,
                    Extension = acks.Items.Count == 0 ? null : acks.ToJson(),
                    MfaMethods = s_facts[p.Key].Mfa.ToList(),
                    LastSignInDateTime = T(s_facts[p.Key].LastSignIn),
                    EmployeeLeaveDateTime = s_facts[p.Key].Leave is { } leave ? T(leave) : null,
                };
            }).ToList(),
            Groups = s_accounts.Select(a =>
            {
                RegisterEntry entry = Entry(a);
                return new LocalGroup
                {
                    Id = a.GroupId,
                    DisplayName = a.GroupName,
                    Description = $"People who may post to the official {entry.Platform} account {entry.Handle} (HealthwatchPolicy register).",
                    MailNickname = a.GroupName.Length > 64 ? a.GroupName.Substring(0, 64) : a.GroupName,
                    Members = a.Posters.Select(x => P(x.Person).Id).ToList(),
                    Extension = entry.ToJson(),
                };
            }).ToList(),
        };
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // readable: "IT & Data Officer", not "IT \u0026 Data Officer"
        };
        string json = JsonSerializer.Serialize(doc, options).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        File.WriteAllText(Path.Combine(org, LocalDirectory.FileName), json, new UTF8Encoding(false));

        Console.WriteLine($"Wrote {Path.Combine(org, LocalDirectory.FileName)}: {doc.Users.Count} users, {doc.Groups.Count} posting groups.");
        Console.WriteLine($"Wrote {journal.Path}: {events.Count} entries, {events[0].At:yyyy-MM-dd} to {events[^1].At:yyyy-MM-dd}.");

        RegisterEntry Entry(Account a) => new()
        {
            Name = a.Name,
            Platform = a.Platform,
            Handle = a.Handle,
            Url = a.Url,
            Purpose = a.Purpose,
            OwnerId = P(a.Owner).Id,
            ConsentById = a.ConsentBy is null ? null : P(a.ConsentBy).Id,
            ConsentDate = a.ConsentDate,
            CreatedAt = a.Created,
        };
    }

    private static DateTimeOffset T(string s) =>
        DateTimeOffset.ParseExact(s, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static DateTime D(string s) => DateTime.ParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A name-based (version 5, RFC 9562) GUID: the same name always gives the same id.</summary>
    internal static string NameGuid(string name)
    {
        byte[] ns = s_namespace.ToByteArray(bigEndian: true);
        byte[] input = ns.Concat(Encoding.UTF8.GetBytes(name)).ToArray();
#pragma warning disable CA5350 // SHA-1 is what RFC 9562 prescribes for version 5 ids; no security rests on it
        byte[] hash = SHA1.HashData(input);
#pragma warning restore CA5350
        byte[] bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }
}

/// <summary>The clock the journal reads: set to each historical moment before an append.</summary>
internal sealed class HistoricalClock : TimeProvider
{
    public DateTimeOffset UtcNow { get; set; }

    public override DateTimeOffset GetUtcNow() => UtcNow;
}

/// <summary>
/// Reloads what was written, through the engine: the local directory, the journal's hash chain, the register
/// and acknowledgements via a connected session on a copy; then finds the policy problems the compliance checks
/// should report and compares them with the planted ones.
/// </summary>
internal static class Check
{
    // The planted breaches, as the compliance report names them (rule, account, subject).
    private static readonly string[] s_expected =
    {
        "HW-AUT-001 twitter-hw-sefton tom.gallagher@hwsefton.example",
        "HW-CON-001 whatsapp-hwseftonvolunteers whatsapp-hwseftonvolunteers",
        "HW-ELG-001 facebook-healthwatchsefton jason.turner@hwsefton.example",
        "HW-ELG-003 linkedin-healthwatch-sefton graham.pritchard@hwsefton.example",
        "HW-ELG-004 youtube-healthwatchsefton liam.hughes@hwsefton.example",
        "HW-LIF-001 whatsapp-hwseftonvolunteers patricia.walsh@hwsefton.example",
        "HW-LIM-001 instagram-healthwatchsefton instagram-healthwatchsefton",
        "HW-MFA-001 whatsapp-hwseftonvolunteers joanne.mckenna@hwsefton.example",
        "HW-POL-001  Healthwatch Sefton Social Media Policy v2018.10",
        "HW-SGN-001 instagram-healthwatchsefton dev.patel@hwsefton.example",
    };

    public static bool Run(string org, string policyPath)
    {
        bool ok = true;
        void Fail(string message)
        {
            ok = false;
            Console.WriteLine("FAIL: " + message);
        }

        Console.WriteLine();
        Console.WriteLine("== Verification ==");
        PolicyDocument policy = new PolicyService(policyPath).Load();
        var directory = new LocalDirectory(org);
        IReadOnlyList<DirectoryUser> users = directory.GetUsers();
        Dictionary<string, DirectoryUser> byId = users.ToDictionary(u => u.Id, StringComparer.OrdinalIgnoreCase);
        IReadOnlyList<DirectoryGroup> groups = directory.GetGroups(policy.Parameters.PostingGroupPrefix + "-");
        Console.WriteLine($"LocalDirectory: {users.Count} users, {groups.Count} posting groups ({directory.Description})");

        var journal = new FileJournal(Path.Combine(org, "state"), TimeProvider.System);
        JournalVerification v = journal.Verify();
        Console.WriteLine($"FileJournal.Verify: IsValid={v.IsValid}, EntryCount={v.EntryCount}{(v.Problem is null ? "" : ", problem: " + v.Problem)}");
        if (!v.IsValid)
            Fail("the journal does not verify");
        IReadOnlyList<JournalEntry> entries = journal.ReadAll();
        foreach (IGrouping<string, JournalEntry> g in entries.GroupBy(e => e.Action).OrderBy(g => g.Key, StringComparer.Ordinal))
            Console.WriteLine($"  {g.Key,-22} {g.Count(),3}");

        // The module's own view, through a session on a copy (what Connect-HwDirectory -Sample does).
        string copy = Path.Combine(Path.GetTempPath(), "HealthwatchPolicy-sampleorg-check-" + Guid.NewGuid().ToString("N"));
        try
        {
            var engine = new HwEngine(policyPath, org);
            HwServices session = engine.ConnectSample(copy, null);
            IReadOnlyList<OfficialAccount> accounts = session.Register.GetAccounts();
            Console.WriteLine();
            Console.WriteLine($"{"Account",-30} {"Owner",-33} {"Consent by",-33} {"Consent",-10}");
            foreach (OfficialAccount a in accounts)
                Console.WriteLine($"{a.Name,-30} {a.Owner,-33} {a.ConsentBy ?? "(none)",-33} {a.ConsentDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "(none)",-10}");
            Console.WriteLine();
            Console.WriteLine($"{"Account",-30} {"Poster",-35} {"Type",-10} {"Enabled",-7} {"Ack",-8} Journal grant");
            foreach (PostingAccess p in session.Access.Get(null, null))
            {
                JournalEntry? grant = entries.LastOrDefault(e => e.Account == p.Account && e.User == p.User
                    && (e.Action == JournalActions.PostingAccessGranted || e.Action == JournalActions.PostingAccessRevoked));
                string granted = grant is null ? "(none)" : $"{grant.Time:yyyy-MM-dd} #{grant.Sequence} ({grant.PolicyVersion})";
                Console.WriteLine($"{p.Account,-30} {p.User,-35} {p.EmployeeType,-10} {p.Enabled,-7} {p.AcknowledgedVersion ?? "-",-8} {granted}");
            }
            Console.WriteLine();
            Console.WriteLine("Get-HwPolicyAcknowledgement -Missing: "
                + string.Join(", ", session.Acknowledgements.Get(null, null, missing: true).Select(a => a.User)));
            if (accounts.Count != 7)
                Fail($"expected 7 accounts, found {accounts.Count}");

            // The compliance report's own rules: exactly the planted problems, nothing else.
            string[] problems = session.Compliance.Run().Select(f => $"{f.RuleId} {f.Account} {f.Subject}").ToArray();
            Console.WriteLine();
            Console.WriteLine("Compliance findings (rule account subject):");
            foreach (string p in problems)
                Console.WriteLine("  " + p);
            foreach (string missing in s_expected.Except(problems, StringComparer.Ordinal))
                Fail("planted problem not found: " + missing);
            foreach (string extra in problems.Except(s_expected, StringComparer.Ordinal))
                Fail("unplanned problem: " + extra);
        }
        finally
        {
            if (Directory.Exists(copy))
                Directory.Delete(copy, recursive: true);
        }

        // Demo expectations: the guest is refused (and only for being a guest), Rebecca Lloyd may be granted.
        const string demoAccount = "facebook-seftonyounglisteners";
        int demoPosters = groups.Single(g => g.DisplayName == "HW-Posting-" + demoAccount).MemberIds.Count;
        var context = new CheckContext(policy, idOrName => users.FirstOrDefault(u => u.Id == idOrName || u.UserPrincipalName == idOrName));
        string[] Refusals(DirectoryUser u) => PolicyChecks.Refuse(new ProposedGrant(demoAccount, u, demoPosters), context).Select(r => r.ErrorId).ToArray();
        DirectoryUser guest = users.Single(u => u.IsGuest);
        string[] guestRefusals = Refusals(guest);
        Console.WriteLine($"Grant {guest.UserPrincipalName}: refused ({string.Join(", ", guestRefusals)})");
        if (!guestRefusals.SequenceEqual(new[] { "PosterIsGuest" }))
            Fail("the guest should be refused only as a guest");
        DirectoryUser rebecca = users.Single(u => u.UserPrincipalName == "rebecca.lloyd@hwsefton.example");
        bool rebeccaOk = Refusals(rebecca).Length == 0
            && !groups.Any(g => g.MemberIds.Contains(rebecca.Id));
        Console.WriteLine($"Grant {rebecca.UserPrincipalName} to facebook-seftonyounglisteners: {(rebeccaOk ? "allowed" : "REFUSED")}");
        if (!rebeccaOk)
            Fail("rebecca.lloyd should be grantable to facebook-seftonyounglisteners");

        Console.WriteLine(ok ? "Sample organisation OK: exactly the planted problems." : "Sample organisation has FAILURES.");
        return ok;
    }
}
