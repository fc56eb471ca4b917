namespace Telephony.Domain.Queues.Calls;

/// <summary>
/// When a queue sends a reservation ask again that its agent has not answered. An ask travels through the agents'
/// shard region, which drops what it holds for a shard being handed to another member (Akka does, to keep order),
/// so without a copy a lost ask kept its caller waiting for the whole ask timeout. Copies carry the same reservation
/// id: an agent that already granted it answers "granted" again, and a grant of a copy the queue no longer wants (its
/// answer to the first came back meanwhile) is given back like any late grant. The k-th copy goes
/// <see cref="First"/> × (2^k − 1) after the ask (0.5 s, 1.5 s, 3.5 s ... by default), never at or after the ask
/// expires, so a queue under load, whose agents answer slowly, sends few copies.
/// </summary>
public sealed record AskResend(TimeSpan First)
{
    public static readonly AskResend Default = new(TimeSpan.FromMilliseconds(500));

    /// <summary>When the next copy is due after <paramref name="sent"/> copies, or null when none is (copies off,
    /// or the next would come at or after <paramref name="expires"/>).</summary>
    public DateTimeOffset? Next(DateTimeOffset askedAt, int sent, DateTimeOffset expires)
    {
        if (First <= TimeSpan.Zero || sent is < 0 or > 20) return null;
        var at = askedAt + First * ((1L << (sent + 1)) - 1);
        return at < expires ? at : null;
    }
}
