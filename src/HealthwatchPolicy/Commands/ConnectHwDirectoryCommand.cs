using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Security;
using System.Threading.Tasks;
using HealthwatchPolicy.Engine;
using HealthwatchPolicy.Engine.Errors;
using HealthwatchPolicy.Engine.Ports;
using HealthwatchPolicy.Engine.Sessions;
using HealthwatchPolicy.Hosting;

namespace HealthwatchPolicy.Commands;

[Cmdlet(VerbsCommunications.Connect, "HwDirectory", DefaultParameterSetName = LocalSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(DirectoryConnection))]
public sealed class ConnectHwDirectoryCommand : HwCmdlet
{
    private const string LocalSet = "Local";
    private const string SampleSet = "Sample";
    private const string ThumbprintSet = "CertificateThumbprint";
    private const string CertificateFileSet = "CertificatePath";
    private const string DeviceCodeSet = "DeviceCode";
    private const string ManagedIdentitySet = "ManagedIdentity";
    private const string AccessTokenSet = "AccessToken";

    /// <summary>The organisation folder (directory.json); with -Sample, where to put the copy.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = LocalSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Position = 0, ParameterSetName = SampleSet)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = SampleSet)]
    public SwitchParameter Sample { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? TenantId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Alias("ApplicationId", "AppId")]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? ClientId { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ThumbprintSet)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? CertificateThumbprint { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = CertificateFileSet)]
    [ValidateNotNullOrEmpty]
    public string? CertificatePath { get; set; }

    [Parameter(ParameterSetName = CertificateFileSet)]
    public SecureString? CertificatePassword { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = DeviceCodeSet)]
    public SwitchParameter DeviceCode { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ManagedIdentitySet)]
    public SwitchParameter ManagedIdentity { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = AccessTokenSet)]
    public SecureString? AccessToken { get; set; }

    /// <summary>The Microsoft Graph base URL, for national clouds (https://graph.microsoft.us/v1.0) and tests.</summary>
    [Parameter(ParameterSetName = ThumbprintSet)]
    [Parameter(ParameterSetName = CertificateFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNull]
    public Uri? GraphEndpoint { get; set; }

    /// <summary>Where the journal and reviews live (local default: the organisation folder's state/ subfolder).</summary>
    [Parameter(ParameterSetName = LocalSet)]
    [Parameter(ParameterSetName = ThumbprintSet)]
    [Parameter(ParameterSetName = CertificateFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNullOrEmpty]
    public string? StatePath { get; set; }

    /// <summary>The SharePoint site that holds the shared state (journal, reviews, lock): its URL or Graph id.</summary>
    [Parameter(ParameterSetName = ThumbprintSet)]
    [Parameter(ParameterSetName = CertificateFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? StateSite { get; set; }

    /// <summary>The document library on -StateSite (default: the site's default library, "Documents").</summary>
    [Parameter(ParameterSetName = ThumbprintSet)]
    [Parameter(ParameterSetName = CertificateFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? StateLibrary { get; set; }

    /// <summary>The folder in that library (default: HealthwatchPolicy).</summary>
    [Parameter(ParameterSetName = ThumbprintSet)]
    [Parameter(ParameterSetName = CertificateFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNullOrEmpty]
    public string? StateFolder { get; set; }

    /// <summary>The object id of a group that keeps the journal head's mirror as an open extension
    /// (org.healthwatch.journalHead), shared by every admin and the scheduled job; needs Group.ReadWrite.All.
    /// Without it each OS account keeps a local mirror of its own.</summary>
    [Parameter(ParameterSetName = ThumbprintSet)]
    [Parameter(ParameterSetName = CertificateFileSet)]
    [Parameter(ParameterSetName = DeviceCodeSet)]
    [Parameter(ParameterSetName = ManagedIdentitySet)]
    [Parameter(ParameterSetName = AccessTokenSet)]
    [ValidateNotNullOrEmpty]
    [Identifier]
    public string? HeadMirrorGroup { get; set; }

    /// <summary>The policy to apply (default: the bundled policy).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PolicyPath { get; set; }

    protected override void ProcessRecord()
    {
        string? path = Path is null ? null : ResolvePath(Path);
        string? policy = PolicyPath is null ? null : ResolvePath(PolicyPath);
        string? state = StatePath is null ? null : ResolvePath(StatePath);
        bool graph = ParameterSetName is not (LocalSet or SampleSet);
        string target = graph ? $"Microsoft Graph tenant {TenantId ?? "(from the token)"}" : Sample ? path ?? "a new temporary folder" : path!;
        if (!ShouldProcess(target, Sample ? "Copy the bundled sample organisation and connect to the copy" : "Connect"))
            return;
        try
        {
            HwServices session = graph ? ConnectGraph(state, policy)
                : Sample ? EngineSession.ForConnect.ConnectSample(path, policy)
                : EngineSession.ForConnect.ConnectLocal(path!, state, policy);
            WriteObject(session.Connection);
        }
        catch (HwException ex)
        {
            ThrowHwError(ex, ex.ErrorId == ErrorIds.PolicyInvalid ? policy ?? ex.Target : ex.Target ?? path ?? (object?)TenantId);
        }
    }

    /// <summary>Connects on a worker thread while this (pipeline) thread shows any device-code prompt.</summary>
    private HwServices ConnectGraph(string? state, string? policy)
    {
        var prompts = new BlockingCollection<string>();
        var options = new GraphConnectionOptions
        {
            TenantId = TenantId,
            ClientId = ClientId,
            CertificateThumbprint = CertificateThumbprint,
            CertificatePath = CertificatePath is null ? null : ResolvePath(CertificatePath),
            CertificatePassword = CertificatePassword,
            DeviceCode = DeviceCode,
            ManagedIdentity = ManagedIdentity,
            AccessToken = AccessToken,
            Prompt = prompts.Add,
            StateSite = StateSite,
            StateLibrary = StateLibrary,
            HeadMirrorGroup = HeadMirrorGroup,
        };
        if (StateFolder is not null)
            options.StateFolder = StateFolder;
        if (GraphEndpoint is not null)
            options.GraphEndpoint = GraphEndpoint;
        DependencyLoader.PreloadGraph();
        // The engine of this runspace, taken here on the pipeline thread: the worker thread below has no runspace.
        HwEngine engine = EngineSession.ForConnect;
        Task<HwServices> connecting = Task.Run(() =>
        {
            try
            {
                return engine.ConnectGraph(options, state, policy);
            }
            finally
            {
                prompts.CompleteAdding();
            }
        });
        foreach (string prompt in prompts.GetConsumingEnumerable())
            WriteWarning(prompt);
        return connecting.GetAwaiter().GetResult();
    }
}
