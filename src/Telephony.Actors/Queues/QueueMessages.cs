using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Queues;

/// <summary>A caller asks to join (a node's TelephonyQueueJoin, the API, an overflow). Answered with
/// <see cref="JoinAnswer"/>.</summary>
public sealed record JoinQueue(string Queue, JoinRequest Request) : IQueueMessage;

/// <param name="Position">1 = head; null when refused.</param>
public sealed record JoinAnswer(string Queue, CallerKey Caller, bool Joined, int? Position, string? Refusal) : IQueueWire;

/// <summary>The caller's channel hung up on its node.</summary>
public sealed record CallerHungUp(string Queue, CallerKey Caller, DateTimeOffset At) : IQueueMessage;

/// <summary>The connect dialplan's Dial was answered (DialEnd ANSWER on the caller's channel).</summary>
public sealed record CallerDialAnswered(string Queue, CallerKey Caller, DateTimeOffset At, string? DestLinkedId) : IQueueMessage;

/// <summary>The connect dialplan's <c>UserEvent(TelephonyConnectResult, ..., DialStatus: ...)</c>.</summary>
public sealed record ConnectResultReported(string Queue, CallerKey Caller, string? Agent, string DialStatus, DateTimeOffset At)
    : IQueueMessage;

/// <summary>The queue journaled (or had nothing to journal for) a caller's hang-up, answered Dial or connect result
/// (<paramref name="Signal"/> is the message's type name): the node stops sending it again.</summary>
public sealed record QueueSignalTaken(string Queue, CallerKey Caller, string Signal) : IQueueWire;

/// <summary>A node restarted (its channels are gone): its callers leave the queue.</summary>
public sealed record NodeRestarted(string Queue, string Node, DateTimeOffset At) : IQueueMessage;

/// <summary>A node went unread for a while (its member died, its AMI connection dropped): its callers' hang-ups may
/// have been missed, so the queue asks whether their channels are still there.</summary>
public sealed record NodeUnobserved(string Queue, string Node, DateTimeOffset From, DateTimeOffset To) : IQueueMessage;

/// <summary>An agent's view of itself for this queue; <paramref name="Member"/> false when it left the queue.</summary>
public sealed record AgentViewChanged(string Queue, AgentView View, bool Member = true) : IQueueMessage;

/// <summary>The agent's answer to <see cref="ReserveAgent"/>.</summary>
public sealed record ReservationAnswer(string Queue, string ReservationId, string AgentId, bool Granted, AgentView? View,
    ReservationRefusal? Refusal) : IQueueMessage;

/// <summary>An agent holding a reservation asks whether the queue still has it (a queue that lost it says no).</summary>
public sealed record ConfirmReservation(string Queue, string ReservationId, string AgentId) : IQueueMessage;

public sealed record RemoveCaller(string Queue, CallerKey Caller) : IQueueMessage;

/// <summary>Answered with every <see cref="QueueInfoPart"/> of one view (ask it with <see cref="QueueInfoAsk"/>).</summary>
public sealed record GetQueue(string Queue) : IQueueMessage;

/// <summary>Part <paramref name="Part"/> (from 0) of <paramref name="Parts"/> of one answer to <see cref="GetQueue"/>:
/// the view's scalars and a slice of its lists (<see cref="QueueInfoParts"/>).</summary>
public sealed record QueueInfoPart(string Queue, int Part, int Parts, QueueInfo Info) : IQueueWire;

public sealed record WaitingCallerInfo(
    string Caller, string Node, string Channel, string? CallerIdNum, string? CallerIdName, int Priority, int Position,
    DateTimeOffset JoinedAt, double WaitSeconds, string Phase, IReadOnlyList<string> RingingAgents);

public sealed record ConnectedCallInfo(string Caller, string Node, string Channel, string AgentId, string AgentNode,
    DateTimeOffset ConnectedAt, double WaitSeconds, string? CallerLinkedId, string? AgentLinkedId);

public sealed record QueueAgentInfo(string AgentId, string? Name, int Penalty, string Status, string Activity, string Node,
    int Calls, double TalkSeconds);

public sealed record QueueInfo(
    string Queue, bool Configured, string Strategy, string Connect, IReadOnlyList<WaitingCallerInfo> Waiting,
    IReadOnlyList<ConnectedCallInfo> Connected, IReadOnlyList<QueueAgentInfo> Agents, QueueStatistics Statistics,
    double LongestWaitSeconds, double? ServiceLevel, double? ServiceLevelCountingAbandons,
    QueueStatistics? Today = null, DateOnly? Day = null) : IQueueWire;
