using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace HealthwatchPolicy.FakeGraph;

/// <summary>A user in the fake tenant. Used both to seed (<see cref="FakeGraphServer.AddUser(FakeUser)"/>) and as a read-back snapshot.</summary>
public sealed class FakeUser
{
    /// <summary>Object id; empty when seeding means "generate one".</summary>
    public string Id { get; init; } = "";
    public required string UserPrincipalName { get; init; }
    /// <summary>Defaults to the part of the UPN before '@' when seeding.</summary>
    public string? DisplayName { get; init; }
    public string? GivenName { get; init; }
    public string? Surname { get; init; }
    public string? Mail { get; init; }
    public bool AccountEnabled { get; init; } = true;
    public string? EmployeeType { get; init; }
    /// <summary><c>Member</c> or <c>Guest</c>.</summary>
    public string UserType { get; init; } = "Member";
    public string? JobTitle { get; init; }
    public string? Department { get; init; }
    public string? ManagerId { get; init; }
    public DateTimeOffset? CreatedDateTime { get; init; }
    /// <summary>Graph <c>employeeLeaveDateTime</c>.</summary>
    public DateTimeOffset? EmployeeLeaveDateTime { get; init; }
    /// <summary><c>signInActivity.lastSignInDateTime</c> (null: never signed in).</summary>
    public DateTimeOffset? LastSignInDateTime { get; init; }
    /// <summary>Authentication method types (<c>password</c>, <c>microsoftAuthenticator</c>, <c>fido2</c>, <c>phone</c>...); null: password and Microsoft Authenticator.</summary>
    public IReadOnlyList<string>? AuthenticationMethods { get; init; }
}

/// <summary>A group in the fake tenant, for seeding and as a read-back snapshot (including soft-deleted groups).</summary>
public sealed class FakeGroup
{
    /// <summary>Object id; empty when seeding means "generate one".</summary>
    public string Id { get; init; } = "";
    public required string DisplayName { get; init; }
    public string? Description { get; init; }
    /// <summary>Defaults to the display name with characters Graph refuses removed.</summary>
    public string? MailNickname { get; init; }
    public bool SecurityEnabled { get; init; } = true;
    public bool MailEnabled { get; init; }
    public IReadOnlyList<string> GroupTypes { get; init; } = Array.Empty<string>();
    /// <summary>Direct member object ids (users or groups), in the order they were added.</summary>
    public IReadOnlyList<string> Members { get; init; } = Array.Empty<string>();
    public IReadOnlyList<string> Owners { get; init; } = Array.Empty<string>();
    public string? Visibility { get; init; }
    public DateTimeOffset? CreatedDateTime { get; init; }
    /// <summary>Set on snapshots of soft-deleted groups (they answer 404 on the wire).</summary>
    public DateTimeOffset? DeletedDateTime { get; init; }
    public bool IsDeleted => DeletedDateTime is not null;
}

/// <summary>One mail recipient as sent in <c>toRecipients</c>/<c>ccRecipients</c>/<c>bccRecipients</c>.</summary>
public sealed record MailRecipient(string Address, string? Name);

/// <summary>One attachment of a sent mail (<c>contentBytes</c> decoded).</summary>
public sealed record MailAttachment(string? ODataType, string? Name, string? ContentType, byte[] ContentBytes);

/// <summary>
/// A mail accepted by <c>POST /users/{id}/sendMail</c>: everything the request carried. A MIME send is recorded in
/// the same shape (parsed with MimeKit; <see cref="Request"/> is then an empty object) plus <see cref="TextBody"/> and <see cref="Mime"/>.
/// </summary>
public sealed record SentMail(
    string FromUserId,
    string FromUserPrincipalName,
    string? Subject,
    string? BodyContentType,
    string? BodyContent,
    IReadOnlyList<MailRecipient> ToRecipients,
    IReadOnlyList<MailRecipient> CcRecipients,
    IReadOnlyList<MailRecipient> BccRecipients,
    IReadOnlyList<MailAttachment> Attachments,
    bool SaveToSentItems,
    JsonObject Request,
    DateTimeOffset AcceptedAt)
{
    /// <summary>True when the body content type is HTML (compared case-insensitively: the SDK sends <c>html</c>, docs show <c>HTML</c>).</summary>
    public bool IsHtml => string.Equals(BodyContentType, "html", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// MIME sends only: the message's plain-text part (its alternative to the HTML in <see cref="BodyContent"/>,
    /// or the only body, then also in <see cref="BodyContent"/> with <see cref="BodyContentType"/> <c>text</c>).
    /// </summary>
    public string? TextBody { get; init; }

    /// <summary>MIME sends only: the message as sent, base64-decoded (UTF-8 text). Null for JSON sends.</summary>
    public string? Mime { get; init; }

    /// <summary>True when the mail came in MIME form (<c>Content-Type: text/plain</c>, base64 body) rather than JSON.</summary>
    public bool IsMime => Mime is not null;
}

/// <summary>One logical request (a plain HTTP request or one item of a <c>$batch</c>) and how it was answered.</summary>
/// <param name="PathAndQuery">The path after <c>/v1.0</c> with the query as received (batch items: the item url).</param>
/// <param name="Headers">The request headers (batch items: the item's own headers), names case-insensitive.</param>
public sealed record RequestLogEntry(
    string Method,
    string PathAndQuery,
    int Status,
    bool InBatch,
    string? BatchItemId,
    string? Authorization,
    IReadOnlyDictionary<string, string> Headers,
    DateTimeOffset At)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;
}
