using System;
using System.IO;
using System.Text.Json;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Journal;
using HealthwatchPolicy.Engine.Local;
using HealthwatchPolicy.Engine.Policy;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Sessions;

namespace HealthwatchPolicy.Engine;

/// <summary>
/// The one facade the cmdlets call, and the composition root: it alone chooses the directory adapter.
/// Synchronous; never calls back into PowerShell.
/// </summary>
public sealed class HwEngine
{
    private readonly string _sampleOrganisationPath;
    private HwServices? _session;

    /// <summary>An engine with the bundled policy at <paramref name="bundledPolicyPath"/> (<c>policy/social-media-policy.yaml</c>) and the sample organisation folder at <paramref name="sampleOrganisationPath"/> (<c>directory.json</c> + state); reads neither yet.</summary>
    public HwEngine(string bundledPolicyPath, string sampleOrganisationPath)
    {
        Policies = new PolicyService(bundledPolicyPath);
        _sampleOrganisationPath = sampleOrganisationPath;
    }

    /// <summary>Load, validate, render and compare policy files (no connection needed).</summary>
    public PolicyService Policies { get; }

    /// <summary>Where the journal heads' mirrors are kept (tests); null: <c>HEALTHWATCHPOLICY_HEAD_MIRROR</c> or LocalApplicationData.</summary>
    internal string? HeadMirrorFolder { get; set; }

    /// <summary>The connection, or null.</summary>
    public HwServices? Session => _session;

    /// <summary>The connection, or a NotConnected error that says how to connect.</summary>
    public HwServices Current => _session ?? throw new HwException(ErrorIds.NotConnected,
        "Not connected to a directory. Run Connect-HwDirectory -Sample (the bundled sample organisation), "
        + "Connect-HwDirectory -Path <organisation folder>, or Connect-HwDirectory -TenantId ... for Microsoft 365.");

    /// <summary>Connects to an organisation folder (directory.json) with its state folder (journal, reviews).</summary>
    public HwServices ConnectLocal(string organisationPath, string? statePath, string? policyPath, TimeProvider? clock = null, bool isSample = false)
    {
        string org = Path.GetFullPath(organisationPath);
        var directory = new LocalDirectory(org);
        string state = Path.GetFullPath(statePath ?? Path.Combine(org, "state"));
        return Open(directory, "Local", directory.Description, state, policyPath, clock, isSample);
    }

    /// <summary>Copies the bundled sample organisation to <paramref name="targetPath"/> (default: a new temporary folder) and connects to the copy.</summary>
    public HwServices ConnectSample(string? targetPath, string? policyPath, TimeProvider? clock = null)
    {
        string target = Path.GetFullPath(targetPath ?? Path.Combine(Path.GetTempPath(),
            "HealthwatchPolicy-sample-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)
            + "-" + Guid.NewGuid().ToString("N").Substring(0, 6)));
        if (Directory.Exists(target) && Directory.GetFileSystemEntries(target).Length > 0)
            throw new HwException(ErrorIds.SampleTargetNotEmpty,
                $"'{target}' is not empty. Give a new or empty folder for the sample organisation, or connect to an existing copy with Connect-HwDirectory -Path.",
                target, input: "path");
        Policies.Load(policyPath); // a bad -PolicyPath fails before anything is copied
        CopyFolder(_sampleOrganisationPath, target);
        MoveSampleDates(Path.Combine(target, LocalDirectory.FileName), (clock ?? TimeProvider.System).GetUtcNow());
        // The copy is a new journal that this call made, in a folder that was new or empty: what an earlier copy at the
        // same path left in the head mirror is about another journal (the Demo recreates its copy on every run).
        LocalJournalMirror.For(new LocalStateStore(Path.Combine(target, "state")).Journal(HwSession.JournalName).Location, HeadMirrorFolder).Forget();
        return ConnectLocal(target, null, policyPath, clock, isSample: true);
    }

    /// <summary>
    /// The day the bundled sample's poster facts (<c>lastSignInDateTime</c>, <c>employeeLeaveDateTime</c> in
    /// directory.json) are dated as of (midnight UTC). A copy made by <see cref="ConnectSample"/> moves them by whole days
    /// to the copy's today, so a sign-in "3 days ago" stays 3 days ago and the planted findings stay exactly the
    /// planted ones whenever the sample is opened (docs/decisions/0174). The journal's times are never moved.
    /// </summary>
    internal static readonly DateTimeOffset SampleDatesAsOf = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Moves a sample copy's sign-in and leave dates by the whole days from <see cref="SampleDatesAsOf"/> to <paramref name="now"/>'s day (UTC).</summary>
    internal static void MoveSampleDates(string directoryJson, DateTimeOffset now)
    {
        int days = (now.UtcDateTime.Date - SampleDatesAsOf.UtcDateTime.Date).Days;
        if (days == 0)
            return;
        LocalDirectoryDocument doc = JsonSerializer.Deserialize<LocalDirectoryDocument>(File.ReadAllText(directoryJson), LocalDirectory.Json)
            ?? throw new HwException(ErrorIds.SampleMissing, $"The sample organisation's '{directoryJson}' is empty.", directoryJson);
        foreach (LocalUser u in doc.Users)
        {
            u.LastSignInDateTime = u.LastSignInDateTime?.AddDays(days);
            u.EmployeeLeaveDateTime = u.EmployeeLeaveDateTime?.AddDays(days);
        }
        File.WriteAllText(directoryJson, JsonSerializer.Serialize(doc, LocalDirectory.Json), new System.Text.UTF8Encoding(false));
    }

    /// <summary>
    /// Connects to Microsoft 365 through Microsoft Graph. The Graph adapter is reached by name, so its assembly
    /// and the Graph SDK load now, not at Import-Module. The state (journal, reviews, the state lock) lives in the
    /// SharePoint library named by <see cref="GraphConnectionOptions.StateSite"/>, shared by every admin and the
    /// scheduled job, or, when <paramref name="statePath"/> is given instead, in that local folder. With neither the
    /// connection fails (<c>StateStoreRequired</c>): a per-user folder would give each admin a journal and a lock of
    /// their own (docs/decisions/0140).
    /// </summary>
    public HwServices ConnectGraph(GraphConnectionOptions options, string? statePath, string? policyPath, TimeProvider? clock = null)
    {
        if (string.IsNullOrWhiteSpace(options.StateSite) && statePath is null)
            throw new HwException(ErrorIds.StateStoreRequired,
                "On Microsoft 365 the journal, the reviews and the state lock must be shared by every admin and the scheduled job: "
                + "name the SharePoint site that holds them (a site URL such as https://contoso.sharepoint.com/sites/healthwatch, or its id), "
                + "or a local state folder when only one machine will ever make changes.", options.TenantId, input: "stateSite");
        if (!string.IsNullOrWhiteSpace(options.StateSite) && statePath is not null)
            throw new HwException(ErrorIds.StateStoreAmbiguous,
                $"Name one state store: the shared SharePoint site '{options.StateSite}' or the local folder '{statePath}', not both.", options.StateSite, input: "stateSite");
        Type factory = Type.GetType("HealthwatchPolicy.Engine.Graph.GraphDirectoryFactory, HealthwatchPolicy.Engine.Graph", throwOnError: false)
            ?? throw new HwException(ErrorIds.GraphAdapterMissing,
                "The Microsoft Graph adapter (HealthwatchPolicy.Engine.Graph) is not installed with the module.");
        IDirectory directory = (IDirectory)InvokeFactory(factory, "Create", options, new object[] { options });
        string actor = $"{Environment.UserName}@{Environment.MachineName} via {options.AuthenticationMethod} (app {options.ClientId ?? "-"})";
        if (string.IsNullOrWhiteSpace(options.StateSite))
            return Open(directory, "Graph", directory.Description, Path.GetFullPath(statePath!), policyPath, clock, isSample: false, actor: actor);
        var store = (IStateStore)InvokeFactory(factory, "CreateStateStore", options, new object[] { directory, options });
        IStateJournal journal = store.Journal(HwSession.JournalName);
        // The head's second home outside the library: an open extension on a group shared by every admin and the job, or
        // else a local mirror per OS account (docs/decisions/0130, 0156).
        IJournalMirror mirror = string.IsNullOrWhiteSpace(options.HeadMirrorGroup)
            ? LocalJournalMirror.For(journal.Location, HeadMirrorFolder)
            : (IJournalMirror)InvokeFactory(factory, "CreateJournalMirror", options, new object[] { directory, options, journal.Location });
        return Open(directory, "Graph", directory.Description, store, policyPath, clock, actor, mirror);
    }

    private static object InvokeFactory(Type factory, string method, GraphConnectionOptions options, object[] arguments)
    {
        try
        {
            return factory.GetMethod(method)!.Invoke(null, arguments)!;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is HwException inner)
        {
            throw inner;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new HwException(ErrorIds.GraphConnectFailed,
                $"Could not connect to Microsoft Graph: {ex.InnerException.Message}", options.TenantId, ex.InnerException);
        }
    }

    /// <summary>Forgets the connection; later calls that need one throw <c>NotConnected</c>. Nothing is written.</summary>
    public void Disconnect() => _session = null;

    /// <summary>Connects over any directory adapter (tests use it to run one contract suite over every adapter).</summary>
    internal HwServices ConnectTo(IDirectory directory, string kind, string statePath, string? policyPath, TimeProvider? clock) =>
        Open(directory, kind, directory.Description, Path.GetFullPath(statePath), policyPath, clock, isSample: false);

    /// <summary>Connects over any directory adapter with any state store (tests: the shared store on the fake Graph).</summary>
    internal HwServices ConnectTo(IDirectory directory, string kind, IStateStore state, string? policyPath, TimeProvider? clock, string? actor = null,
        IJournalMirror? mirror = null) =>
        Open(directory, kind, directory.Description, state, policyPath, clock, actor, mirror);

    private HwServices Open(IDirectory directory, string kind, string description, IStateStore state, string? policyPath, TimeProvider? clock, string? actor,
        IJournalMirror? mirror)
    {
        PolicyDocument policy = Policies.Load(policyPath);
        TimeProvider c = clock ?? TimeProvider.System;
        var connection = new DirectoryConnection(kind, description, state.Description, policy.Path, policy.Version,
            actor ?? Environment.UserName + "@" + Environment.MachineName, c.UtcNow, isSample: false);
        _session = new HwServices(new HwSession(connection, directory, state, new FileJournal(state.Journal(HwSession.JournalName), c, mirror), policy, c));
        return _session;
    }

    private HwServices Open(IDirectory directory, string kind, string description, string statePath, string? policyPath, TimeProvider? clock, bool isSample,
        string? actor = null)
    {
        PolicyDocument policy = Policies.Load(policyPath);
        try
        {
            Directory.CreateDirectory(statePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HwException(ErrorIds.StateNotWritable, $"Cannot create the state folder '{statePath}': {ex.Message}", statePath, ex);
        }
        TimeProvider c = clock ?? TimeProvider.System;
        var connection = new DirectoryConnection(kind, description, statePath, policy.Path, policy.Version,
            actor ?? Environment.UserName + "@" + Environment.MachineName, c.UtcNow, isSample);
        var state = new LocalStateStore(statePath);
        IStateJournal journal = state.Journal(HwSession.JournalName);
        // The head's second home, outside the state folder (docs/decisions/0130-witnesses-and-a-head-mirror.md).
        var mirror = LocalJournalMirror.For(journal.Location, HeadMirrorFolder);
        var fileJournal = new FileJournal(journal, c, mirror);
        // First use here: a journal with entries and no mirror yet is verified and where it stands recorded (decision 0152).
        fileJournal.RecordFirstUse();
        _session = new HwServices(new HwSession(connection, directory, state, fileJournal, policy, c));
        return _session;
    }

    private static void CopyFolder(string source, string target)
    {
        if (!File.Exists(Path.Combine(source, LocalDirectory.FileName)))
            throw new HwException(ErrorIds.SampleMissing, $"The bundled sample organisation is missing from '{source}'.", source);
        foreach (string dir in Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(target, dir.Substring(source.Length).TrimStart(Path.DirectorySeparatorChar)));
        Directory.CreateDirectory(target);
        foreach (string file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = file.Substring(source.Length).TrimStart(Path.DirectorySeparatorChar);
            if (relative.EndsWith(".lock", StringComparison.OrdinalIgnoreCase))
                continue;
            File.Copy(file, Path.Combine(target, relative));
        }
    }
}
