using Telephony.Ami.Client;
using Telephony.Ami.Protocol;

namespace Telephony.Actors.Actions;

/// <summary>From the node to its queue: the AMI session to send on (logged in), or null when it is down. Local only.</summary>
public sealed record ActionConnection(AmiClient? Client, int Session);

/// <summary>From the node to its queue, once per read turn: the events that tell an action's fate (OriginateResponse,
/// Hangup, Newchannel). Local only; the messages are the parser's, read-only.</summary>
public sealed record NodeChannelEvents(IReadOnlyList<AmiMessage> Events);
