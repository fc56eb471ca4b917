using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Agents;

namespace Telephony.Actors.Queues;

/// <summary>A queue asks for a reservation; answered with <see cref="ReservationAnswer"/> sent to the queue.</summary>
public sealed record ReserveAgent(string AgentId, ReservationRequest Request) : IAgentMessage;

public enum ReservationNewsKind { Ringing, Answered, Ended, Released }

/// <summary>What became of a reservation the agent granted, from the queue that holds it.</summary>
public sealed record ReservationNews(string AgentId, string ReservationId, ReservationNewsKind Kind,
    OfferOutcome? Outcome = null, string? AgentNode = null, string? AgentUniqueId = null) : IAgentMessage;

/// <summary>The queue's answer to <see cref="ConfirmReservation"/>.</summary>
public sealed record ReservationConfirmed(string AgentId, string ReservationId, bool Held) : IAgentMessage;

public enum AgentCommandKind { Login, Logout, Pause, Unpause }

/// <summary>From the API, pbm or the agent's phone (<c>TelephonyAgentLogin</c> ...). Answered with <see cref="AgentInfo"/>
/// (or <see cref="AgentUnknown"/>).</summary>
public sealed record AgentCommand(string AgentId, AgentCommandKind Kind, string? Reason = null, string Source = "api") : IAgentMessage;

/// <summary>Join a queue with a penalty, change it, or (Penalty null) leave it; answered with <see cref="AgentInfo"/>.</summary>
public sealed record SetAgentMembership(string AgentId, string Queue, int? Penalty) : IAgentMessage;

/// <summary>The agent's phone is (not) busy with a call the queues did not make (its device state).</summary>
public sealed record AgentPhoneState(string AgentId, bool InUse) : IAgentMessage;

/// <summary>A queue (re)started and wants the agent's view.</summary>
public sealed record RequestAgentView(string AgentId, string Queue) : IAgentMessage;

public sealed record GetAgent(string AgentId) : IAgentMessage;

public sealed record AgentUnknown(string AgentId) : IQueueWire;

public sealed record AgentReservationInfo(string ReservationId, string Queue, string Caller, DateTimeOffset GrantedAt,
    DateTimeOffset Deadline, DateTimeOffset? AnsweredAt);

public sealed record AgentInfo(
    string AgentId, string? Name, string Node, string Extension, string Status, string? BreakReason, string Activity,
    string State, AgentReservationInfo? Reservation, IReadOnlyDictionary<string, int> Queues, int Calls, double TalkSeconds,
    int NoAnswers, int ConsecutiveNoAnswers, bool PhoneInUse, DateTimeOffset? AvailableFrom,
    IReadOnlyDictionary<string, double> SecondsInState, DateTimeOffset? StateSince = null) : IQueueWire;
