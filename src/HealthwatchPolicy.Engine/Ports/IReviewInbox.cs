using System;
using System.Collections.Generic;

namespace HealthwatchPolicy.Engine.Ports;

/// <summary>
/// The review mailbox's inbox, where reviewers' Keep and Remove replies arrive (docs/decisions/0200): listed with
/// their internet headers, and moved to a folder once processed. Adapters: the state folder's <c>mailbox/inbox</c>
/// of <c>.eml</c> files (local directory) and Graph <c>GET /users/{mailbox}/mailFolders/inbox/messages</c>.
/// </summary>
public interface IReviewInbox
{
    /// <summary>Where the messages are read from, for people ("inbox: /state/mailbox/inbox", "graph: inbox of reviews@...").</summary>
    string Description { get; }

    /// <summary>Every message in the inbox, oldest first. Throws <c>MailboxNotFound</c>, <c>GraphAccessDenied</c> or a file error.</summary>
    IReadOnlyList<InboxMessage> List();

    /// <summary>Moves <paramref name="message"/> to the folder <paramref name="folderName"/> (made when missing).</summary>
    void Move(InboxMessage message, string folderName);
}

/// <summary>A directory that can read one of its mailboxes (the Graph adapter: Mail.ReadWrite scoped to that mailbox).</summary>
public interface IInboxCapableDirectory
{
    /// <summary>The inbox of <paramref name="mailbox"/>.</summary>
    IReviewInbox OpenInbox(string mailbox);
}

/// <summary>One received message as the decision reader needs it.</summary>
public sealed class InboxMessage
{
    /// <summary>A message <paramref name="id"/> (a file name or a Graph message id) with what was read of it.</summary>
    public InboxMessage(string id, string? from, string? sender, string? subject, string? body, DateTimeOffset? received,
        IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        Id = id;
        From = from;
        Sender = sender;
        Subject = subject;
        Body = body;
        Received = received;
        Headers = headers;
    }

    /// <summary>The adapter's id of the message (file name, or Graph message id).</summary>
    public string Id { get; }
    /// <summary>The From address (one bare address), or null when the header has none or several.</summary>
    public string? From { get; }
    /// <summary>The Sender address when it differs from From (sent on behalf), else null.</summary>
    public string? Sender { get; }
    /// <summary>The subject line.</summary>
    public string? Subject { get; }
    /// <summary>The plain-text body (HTML turned to text where that is all there is).</summary>
    public string? Body { get; }
    /// <summary>When it was received, if known.</summary>
    public DateTimeOffset? Received { get; }
    /// <summary>The internet message headers in the order they appear (topmost first: the last hop's first).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }
}
