using System;

namespace HealthwatchPolicy.Engine.Reviews;

/// <summary>What became of one decision mail read from the review mailbox (Receive-HwAccessReviewDecision).</summary>
public sealed class ReviewDecisionReceipt
{
    /// <summary>The review period the token names, or null when no token verified.</summary>
    public string? Period { get; set; }
    /// <summary>The account of the item the token names, or null.</summary>
    public string? Account { get; set; }
    /// <summary>The poster's user principal name, or null.</summary>
    public string? User { get; set; }
    /// <summary>Keep or Remove, as the token says, or null.</summary>
    public string? Decision { get; set; }
    /// <summary>The From address of the message (as written; not trusted unless <see cref="Outcome"/> is Applied or Unchanged).</summary>
    public string? From { get; set; }
    /// <summary>The message's subject.</summary>
    public string? Subject { get; set; }
    /// <summary>The message's id in the inbox (file name or Graph message id).</summary>
    public string MessageId { get; set; } = "";
    /// <summary>When the message was received, if known.</summary>
    public DateTimeOffset? Received { get; set; }
    /// <summary>Applied, Unchanged (the same decision again), Refused, or WouldApply / WouldRefuse under -WhatIf.</summary>
    public string Outcome { get; set; } = "";
    /// <summary>Why it was refused: TokenInvalid, TokenAmbiguous, NotAuthenticated, SelfReview, NotReviewer, ReviewClosed, DecidedOtherWay, ReasonMissing, AutoReply, DecisionFailed (decisions 0200, 0201); null when accepted.</summary>
    public string? RefusedBecause { get; set; }
    /// <summary>The explanation, as the reply to the reviewer words it.</summary>
    public string Detail { get; set; } = "";
    /// <summary>The reason the reviewer gave (the decision's justification), or null.</summary>
    public string? Justification { get; set; }
    /// <summary>Whether a confirmation or refusal was mailed back to the sender (never to a sender that failed authentication).</summary>
    public bool Replied { get; set; }
}
