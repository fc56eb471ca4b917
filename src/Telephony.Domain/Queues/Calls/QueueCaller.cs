namespace Telephony.Domain.Queues.Calls;

public enum CallerPhase { Waiting, Ringing, Connected }

/// <summary>A caller the queue holds: waiting (with its place), ringing one or more agents, or connected.</summary>
public sealed class QueueCaller
{
    private readonly Dictionary<string, AgentOffered> _offers = new(StringComparer.Ordinal); // by reservation id

    internal QueueCaller(CallerJoined joined)
    {
        Joined = joined;
    }

    public CallerJoined Joined { get; }

    public CallerKey Key => Joined.Caller;

    public int Priority => Joined.Priority;

    public long Sequence => Joined.Sequence;

    public DateTimeOffset JoinedAt => Joined.At;

    /// <summary>Agent legs ringing now: reservation id -> agent id.</summary>
    public IReadOnlyDictionary<string, string> Legs => _offers.ToDictionary(o => o.Key, o => o.Value.AgentId);

    public IReadOnlyCollection<AgentOffered> Offers => _offers.Values;

    public int LegCount => _offers.Count;

    public CallerConnected? Connection { get; private set; }

    public int Attempts { get; internal set; }

    public CallerPhase Phase => Connection is not null ? CallerPhase.Connected
        : _offers.Count > 0 ? CallerPhase.Ringing : CallerPhase.Waiting;

    public TimeSpan WaitAt(DateTimeOffset now) => (Connection?.At ?? now) - JoinedAt;

    internal void AddLeg(AgentOffered offer)
    {
        _offers[offer.ReservationId] = offer;
        Attempts++;
    }

    internal void EndLeg(string reservationId) => _offers.Remove(reservationId);

    internal void Connect(CallerConnected connected)
    {
        _offers.Remove(connected.ReservationId);
        Connection = connected;
    }

    /// <summary>Line order: higher priority first, then who joined first.</summary>
    public static readonly IComparer<QueueCaller> LineOrder = Comparer<QueueCaller>.Create((a, b) =>
    {
        var byPriority = b.Priority.CompareTo(a.Priority);
        return byPriority != 0 ? byPriority : a.Sequence.CompareTo(b.Sequence);
    });
}
