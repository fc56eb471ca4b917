using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Telephony.Actors.Nodes.HandOver;

namespace Telephony.Actors.Nodes;

/// <summary>Where a node's planned hand-over goes (this member's desk) and the role a member needs to own the node.</summary>
public sealed record NodeHandOverLinks(IActorRef Desk, string? Role);

// Planned hand-overs, make-before-break: a node stopped for its shard to move (rebalance, member leaving or stopping)
// leaves its logged-in session reading on this member's desk until the new owner is logged in; the new owner asks
// every other member's desk and starts routing once the previous session is done (so a call's events keep their order),
// journaling a gap only for a window neither session read.
public sealed partial class AsteriskNodeActor
{
    private static readonly TimeSpan HandOverAnswerTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan HandOverDoneTimeout = TimeSpan.FromSeconds(30);

    private readonly NodeHandOverLinks? _handOverLinks;
    private bool _handedOver;
    private HandOverWait? _handOverWait;

    private sealed record HandOverTick;
    private sealed record HandOffWaitOver;

    /// <summary>How long a hand-off asked during the session start waits for it (the rebalance waits meanwhile; under the
    /// sharding handoff-timeout of 10 s, after which the shard stops its entities anyway).</summary>
    private static readonly TimeSpan HandOffDuringStartWait = TimeSpan.FromSeconds(8);
    private bool _handOffAsked;

    /// <summary>A hand-off asked before routing began. Not logged in: nothing was read, stop. Logged in and the session
    /// start still being journaled (a rebalance as members join, while the journal is slow): the session has read events
    /// it has not routed, and its start, once journaled, tells the next owner it was seen then; stopping now journaled a
    /// gap from that moment (a cluster test at CI's load: a 9 s session-start write, then a 10 s gap). So it finishes
    /// the start and hands the session over as a routing node does, within <see cref="HandOffDuringStartWait"/>.</summary>
    private void HandOffBeforeRouting()
    {
        if (_connectedSince is null || _handOverLinks is null)
        {
            Context.Stop(Self);
            return;
        }
        if (_handOffAsked) return;
        _handOffAsked = true;
        Timers.StartSingleTimer(nameof(HandOffWaitOver), new HandOffWaitOver(), HandOffDuringStartWait);
        _log.Info("node {0}: hand-off asked while the session starts; handing over once it routes", _settings.Name);
    }

    /// <summary>In the routing state: hand the session over when another member can own the node, else just stop.</summary>
    private void HandOff()
    {
        if (_handOverLinks is { } links && _connectedSince is not null && AnotherMemberCanOwn(links.Role))
        {
            var entries = _journalWrites.Entries();
            links.Desk.Tell(new DrainSession(_settings, _client, _router, _outboxes, _queueSignals, [.. _pendingJoins.All(), .. _pendingSignals.All()], entries,
                DateTimeOffset.UtcNow));
            _handedOver = true;
            _log.Info("node {0}: handing over; the session reads on until the next owner is logged in", _settings.Name);
        }
        Context.Stop(Self);
    }

    /// <summary>A reachable member that may own the node, while this one is not downed: a member cut off and downed
    /// (a partition) cannot hand anything over, and its session reading on would only overlap the new owner's longer
    /// (a soak's partition: 25 s of two sessions).</summary>
    private bool AnotherMemberCanOwn(string? role)
    {
        var cluster = Cluster.Get(Context.System);
        if (cluster.SelfMember.Status == MemberStatus.Down) return false;
        var unreachable = cluster.State.Unreachable;
        return cluster.State.Members.Any(m => m.Status == MemberStatus.Up && !m.Address.Equals(cluster.SelfAddress)
                                              && !unreachable.Contains(m) && (role is null || m.HasRole(role)));
    }

    /// <summary>Asks every other member whether it still reads this node's previous session.</summary>
    private void AskPreviousOwner(DateTimeOffset loggedInAt)
    {
        var cluster = Cluster.Get(Context.System);
        var others = cluster.State.Members
            .Where(m => !m.Address.Equals(cluster.SelfAddress) && m.Status is MemberStatus.Up or MemberStatus.Leaving
                or MemberStatus.Exiting or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Select(m => m.Address).ToList();
        _handOverWait = new HandOverWait(others.Select(a => a.ToString()).ToList(), DateTimeOffset.UtcNow, HandOverAnswerTimeout,
            HandOverDoneTimeout);
        foreach (var address in others)
            Context.ActorSelection(new RootActorPath(address) / "user" / NodeHandOverDesk.Name)
                .Tell(new TakingOverNode(_settings.Name, loggedInAt), Self);
        _log.Info("node {0}: asking {1} other member(s) whether one still reads the previous session: {2}", _settings.Name,
            others.Count, string.Join(", ", others));
        if (others.Count > 0) Timers.StartPeriodicTimer(nameof(HandOverTick), new HandOverTick(), TimeSpan.FromMilliseconds(200));
    }

    /// <summary>Registered while the session start waits (see <see cref="CheckingPreviousSession"/>).</summary>
    private void HandOverAnswers(Action ready)
    {
        Receive<HandOverAnswer>(a =>
        {
            _handOverWait?.Answer(Sender.Path.Address.ToString(), a.Holds);
            _log.Info("node {0}: {1} {2} a session of it", _settings.Name, Sender.Path.Address, a.Holds ? "holds" : "holds no");
            ready();
        });
        Receive<HandOverDone>(d =>
        {
            _handOverWait?.Finished(d);
            _log.Info("node {0}: the previous session read {1} events after its hand-off, until {2:O}{3}", _settings.Name,
                d.EventsRead, d.ReadUntil, d.Reason is null ? "" : " (" + d.Reason + ")");
            ready();
        });
        Receive<HandOverTick>(_ => ready());
    }

    /// <summary>In every state: events the previous session read and could not get acknowledged, delivered from here
    /// (they arrive before its <see cref="HandOverDone"/>, so ahead of what this session reads).</summary>
    private void TakeHandedOver(HandedOverCallEvents handed)
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var e in handed.Events) _outboxes.Hold(handed.LinkedId, new HeldEvent(e, null, e.ReceivedAt), e.ReceivedAt);
        _outboxes.Send(handed.LinkedId, now);
        SendOutgoing();
        _log.Debug("node {0}: delivering {1} events of call {2} that the previous session could not get acknowledged",
            _settings.Name, handed.Events.Count, handed.LinkedId);
    }

    private bool HandOverSettled => _handOverWait is null || _handOverWait.IsOver(DateTimeOffset.UtcNow);

    private void EndHandOverWait()
    {
        Timers.Cancel(nameof(HandOverTick));
        if (_handOverWait?.Done is { } done && done.Quarantined.Count + done.Gaps.Count > 0)
            WriteToJournal([.. done.Gaps, .. done.Quarantined]);
    }
}
