using System;
using System.IO;
using System.Text.Json.Nodes;
using HealthwatchPolicy.Engine.Acknowledgements;
using HealthwatchPolicy.Engine.Ports;

namespace HealthwatchPolicy.Engine.Tests;

/// <summary>A small organisation in a temporary folder, for tests: one of each kind of person the policy cares about.</summary>
internal sealed class TestOrg : IDisposable
{
    public const string Manager = "sarah.whitfield@hwsefton.example";
    public const string Comms = "daniel.okafor@hwsefton.example";
    public const string Staff1 = "emma.clarke@hwsefton.example";
    public const string Staff2 = "aisha.khan@hwsefton.example";
    public const string Staff3 = "ben.taylor@hwsefton.example";
    public const string NotAcknowledged = "chloe.evans@hwsefton.example";
    public const string Volunteer = "liam.murphy@hwsefton.example";
    public const string Trustee = "robert.hughes@hwsefton.example";
    public const string Leaver = "tom.baker@hwsefton.example";
    public const string Guest = "priya.shah_gmail.com#EXT#@hwsefton.example";
    public const string Chair = "margaret.ellis@hwsefton.example";

    public TestOrg()
    {
        Folder = Path.Combine(Path.GetTempPath(), "hw-test-" + Guid.NewGuid().ToString("N").Substring(0, 10));
        Directory.CreateDirectory(Folder);
        var users = new JsonArray
        {
            User("u-chair", Chair, "Margaret Ellis", "Trustee", null),
            User("u-manager", Manager, "Sarah Whitfield", "Staff", "u-chair"),
            User("u-comms", Comms, "Daniel Okafor", "Staff", "u-manager"),
            User("u-emma", Staff1, "Emma Clarke", "Staff", "u-comms"),
            User("u-aisha", Staff2, "Aisha Khan", "Staff", "u-comms"),
            User("u-ben", Staff3, "Ben Taylor", "Staff", "u-manager"),
            User("u-chloe", NotAcknowledged, "Chloe Evans", "Staff", "u-manager", acknowledged: false),
            User("u-liam", Volunteer, "Liam Murphy", "Volunteer", "u-emma"),
            User("u-robert", Trustee, "Robert Hughes", "Trustee", "u-chair"),
            User("u-tom", Leaver, "Tom Baker", "Staff", "u-manager", enabled: false),
            User("u-priya", Guest, "Priya Shah", "Volunteer", "u-emma", guest: true),
        };
        var doc = new JsonObject { ["organisation"] = "Test Healthwatch", ["users"] = users, ["groups"] = new JsonArray() };
        File.WriteAllText(Path.Combine(Folder, "directory.json"), doc.ToJsonString());
    }

    public string Folder { get; }
    public string StateFolder => Path.Combine(Folder, "state");

    private static JsonObject User(string id, string upn, string name, string type, string? manager,
        bool enabled = true, bool guest = false, bool acknowledged = true)
    {
        var user = new JsonObject
        {
            ["id"] = id,
            ["userPrincipalName"] = upn,
            ["displayName"] = name,
            ["mail"] = guest ? "priya.shah@gmail.com" : upn,
            ["accountEnabled"] = enabled,
            ["employeeType"] = type,
            ["userType"] = guest ? "Guest" : "Member",
            ["managerId"] = manager,
        };
        if (acknowledged)
            user["extension"] = AcknowledgementRecord.Read(null)
                .With(new AcknowledgementItem("2018.10", new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero), "setup")).ToJson();
        return user;
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { /* a test's process may still hold a file; the temp folder is cleaned later */ }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class TestClock : TimeProvider
{
    public DateTimeOffset UtcNow { get; set; } = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => UtcNow;
}
