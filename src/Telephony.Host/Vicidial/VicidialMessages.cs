using Telephony.Domain.Actions;

namespace Telephony.Host.Vicidial;

/// <summary>Registry key of the adapter singleton's proxy: ask it <see cref="GetVicidialStatus"/>.</summary>
public sealed class VicidialAdapter;

/// <summary>Answered with <see cref="VicidialStatus"/>.</summary>
public sealed record GetVicidialStatus
{
    public static GetVicidialStatus Instance { get; } = new();
}

/// <param name="Claimed">NEW rows taken (set to QUEUE).</param>
/// <param name="Submitted">Rows accepted by a node's queue (resumed ones included).</param>
/// <param name="Resumed">Rows taken before a restart or failover and followed again.</param>
/// <param name="Malformed">Rows marked DEAD as bad input (a line that is not 'Header: value', an empty action, ...).</param>
/// <param name="Refused">Rows marked DEAD because the queue refused them (allow-list, CR/LF, a required header).</param>
/// <param name="DeadCall">Hangup/Redirect rows marked DEAD unsent because their call's row was already DEAD.</param>
/// <param name="Following">Rows whose action is followed now.</param>
/// <param name="DatabaseErrors">Polls or writes the database refused (each retried).</param>
public sealed record VicidialStatus(
    long Claimed, long Submitted, long Resumed, long Malformed, long Refused, long DeadCall, int Following, long DatabaseErrors);

/// <summary>A row the adapter took and the action the queue made of it: what a follower needs.</summary>
internal sealed record FollowedRow(ManagerRow Row, string Key, ActionRecord Action);
