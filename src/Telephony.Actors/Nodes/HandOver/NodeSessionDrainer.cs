using Akka.Actor;
using Akka.Event;
using Telephony.Actors.Calls;
using Telephony.Actors.Queues;
using Telephony.Ami.Client;

namespace Telephony.Actors.Nodes.HandOver;

/// <summary>
/// The make-before-break half of a planned hand-over: a node entity stopped for its shard to move gave its logged-in
/// AMI session here, and this actor goes on reading it — routing the events to their calls exactly as the node did,
/// with the node's outboxes (what was in flight is sent again: call entities drop copies) — until the new owner, logged
/// in on another member, says so (<see cref="TakingOverNode"/>). It reads a moment longer, so that what it read and what
/// the new session reads overlap, waits until its calls journaled everything, tells the new owner how far it read
/// (<see cref="HandOverDone"/>, which decides whether there is a gap) and closes the session. It never sends actions;
/// queue signals it reads go to their queues as the node's would. Bounded: without a new owner it stops reading after
/// <c>waitForOwner</c>, and it stops waiting for acknowledgements after <c>finishTimeout</c>: what is still
/// unacknowledged then goes to the new owner to deliver (<see cref="HandedOverCallEvents"/>); without a new owner it is
/// lost, and it reports to have read nothing past the hand-off.
/// </summary>
internal sealed class NodeSessionDrainer : ReceiveActor, IWithTimers
{
    private sealed record Pull;
    private sealed record Redeliver;
    private sealed record StopReading(string? Reason);
    private sealed record GiveUp;
    private sealed record Poke;

    private readonly DrainSession _session;
    private readonly string _node;
    private readonly RegionTarget _calls, _queues, _agents, _nodes;
    private readonly TimeSpan _tail;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<string> _touched = new(StringComparer.Ordinal);
    private readonly List<EventQuarantined> _quarantined = [];
    private readonly List<GapRecorded> _gaps = [];
    private IActorRef? _owner;
    private bool _pulling;
    private long _read;
    private DateTimeOffset _readUntil;
    private string? _reason;
    private bool _finishing;

    public NodeSessionDrainer(DrainSession session, RegionTarget calls, RegionTarget queues, RegionTarget agents, RegionTarget nodes,
        TimeSpan deliveryTimeout, TimeSpan waitForOwner, TimeSpan tail, TimeSpan finishTimeout)
    {
        _session = session;
        _node = session.Settings.Name;
        _calls = calls;
        _queues = queues;
        _agents = agents;
        _nodes = nodes;
        _tail = tail;
        _readUntil = session.HandedOffAt;
        foreach (var entry in session.PendingJournalEntries)
        {
            if (entry is EventQuarantined q) _quarantined.Add(q);
            else if (entry is GapRecorded g) _gaps.Add(g); // a session start (NodeSeen) is the new owner's own to write
        }
        Timers!.StartSingleTimer("no-owner", new StopReading("no new owner took the node over"), waitForOwner);
        Timers.StartSingleTimer("give-up", new GiveUp(), waitForOwner + finishTimeout);
        Timers.StartPeriodicTimer("redeliver", new Redeliver(), deliveryTimeout / 2);
        // The node's next owner starts when a message reaches its shard: at once, not at the node directory's next tick.
        Timers.StartPeriodicTimer("poke", new Poke(), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1));
        Reading();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(DrainSession session, RegionTarget calls, RegionTarget queues, RegionTarget agents, RegionTarget nodes,
        TimeSpan deliveryTimeout, TimeSpan waitForOwner, TimeSpan tail, TimeSpan finishTimeout) =>
        Akka.Actor.Props.Create(() => new NodeSessionDrainer(session, calls, queues, agents, nodes, deliveryTimeout, waitForOwner, tail,
            finishTimeout));

    protected override void PreStart()
    {
        var self = Self;
        var client = _session.Client;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var n in client.Notifications.ReadAllAsync(_stopping.Token).ConfigureAwait(false)) self.Tell(n);
            }
            catch (OperationCanceledException) { }
        });
        // What the node had sent and not seen acknowledged: the answers go to the stopped node, so it all goes again.
        _session.Outboxes.Redeliver(DateTimeOffset.MaxValue);
        foreach (var signal in _session.PendingSignals) _queues.Tell(signal, Self); // unanswered joins, hang-ups, outcomes: once more
        SendOutgoing();
        Self.Tell(new Pull());
        _log.Info("node {0}: session kept reading for the hand-over ({1} events held)", _node, _session.Outboxes.Held);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        var closed = Task.Run(async () => await _session.Client.DisposeAsync().ConfigureAwait(false));
        if (!closed.Wait(TimeSpan.FromSeconds(3)))
            _log.Warning("node {0}: the handed-over AMI session took over 3 s to close", _node);
    }

    private void Reading()
    {
        Receive<Pull>(_ =>
        {
            _pulling = false;
            PullRound();
        });
        Receive<Poke>(_ => _nodes.Tell(new NodeCommand(_node, NodeCommandKind.EnsureConnected), Self));
        Receive<TakingOverNode>(t =>
        {
            _owner = Sender;
            Timers.Cancel("poke");
            Sender.Tell(new HandOverAnswer(_node, true));
            _log.Info("node {0}: the new owner logged in at {1:O}; reading {2} ms more", _node, t.LoggedInAt, _tail.TotalMilliseconds);
            Timers.StartSingleTimer("no-owner", new StopReading(null), _tail);
        });
        Receive<StopReading>(s =>
        {
            PullRound(); // what is in the buffer now was read before the stop
            _readUntil = DateTimeOffset.UtcNow;
            _reason = s.Reason;
            Become(Finishing);
            FinishIfDone();
        });
        Receive<AmiConnectionNotification>(n => n is AmiDisconnected or AmiStopped, n =>
        {
            PullRound();
            _readUntil = n is AmiDisconnected d ? d.At : DateTimeOffset.UtcNow;
            _reason = "the session was lost: " + (n is AmiDisconnected dd ? dd.Reason : ((AmiStopped)n).Reason);
            Become(Finishing);
            FinishIfDone();
        });
        Common();
    }

    private void Finishing()
    {
        _finishing = true;
        Receive<TakingOverNode>(_ =>
        {
            _owner = Sender;
            Sender.Tell(new HandOverAnswer(_node, true));
            FinishIfDone();
        });
        Receive<Pull>(_ => _pulling = false);
        Receive<StopReading>(_ => { });
        Receive<Poke>(_ => Timers.Cancel("poke"));
        Common();
    }

    private void Common()
    {
        Receive<CallEventsAccepted>(a =>
        {
            if (!_session.Outboxes.Accept(a, DateTimeOffset.UtcNow)) return;
            SendOutgoing();
            FinishIfDone();
        });
        Receive<Redeliver>(_ =>
        {
            _session.Outboxes.Redeliver(DateTimeOffset.UtcNow);
            SendOutgoing();
        });
        Receive<GiveUp>(_ =>
        {
            if (_owner is not null)
            {
                // Their calls' shards were out of reach (a shard still moving, its member dead): the new owner delivers
                // them. Told before HandOverDone, on the same path, so they arrive first.
                var held = _session.Outboxes.Held;
                var calls = _session.Outboxes.TakeUnacknowledged();
                foreach (var (linkedId, events) in calls) _owner.Tell(new HandedOverCallEvents(_node, linkedId, events), Self);
                SendOutgoing(); // only the CEL refused on the way, to the quarantine passed on
                _log.Warning("node {0}: {1} events of {2} calls read during the hand-over were not acknowledged by their " +
                             "calls; handed to the new owner to deliver", _node, held, calls.Count);
                _reason = $"{held} events unacknowledged, handed over";
            }
            else
            {
                _log.Warning("node {0}: {1} events read during the hand-over were not acknowledged by their calls and no " +
                             "new owner came to take them", _node, _session.Outboxes.Held);
                _readUntil = _session.HandedOffAt;
                _reason = $"{_session.Outboxes.Held} events unacknowledged";
            }
            Finish();
        });
        Receive<JoinAnswer>(_ => { });
        Receive<QueueSignalTaken>(_ => { });
        Receive<AmiConnectionNotification>(_ => { });
    }

    private void PullRound()
    {
        var now = DateTimeOffset.UtcNow;
        var outboxes = _session.Outboxes;
        while (_session.Client.Events.TryRead(out var message))
        {
            _read++;
            ReadForQueues(message, now);
            var route = _session.Router.Route(message, now);
            if (route.Kind == NodeRouteKind.Routed)
            {
                outboxes.Hold(route.LinkedId!, route.Held, now); // drained to empty every round: read moments ago
                _touched.Add(route.LinkedId!);
            }
            else if (route.Kind == NodeRouteKind.Quarantined) _quarantined.Add((EventQuarantined)route.Quarantined!);
        }
        foreach (var linkedId in _touched) outboxes.Send(linkedId, now);
        _touched.Clear();
        SendOutgoing();
        if (_pulling) return;
        _pulling = true;
        var self = Self;
        _session.Client.Events.WaitToReadAsync(_stopping.Token).AsTask().ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully && t.Result) self.Tell(new Pull());
        }, TaskScheduler.Default);
    }

    private void ReadForQueues(Ami.Protocol.AmiMessage message, DateTimeOffset now)
    {
        if (_session.QueueSignals is not { } signals) return;
        if (message.EventName == "Shutdown")
        {
            foreach (var restarted in signals.Restarted(now)) _queues.Tell(restarted, Self);
            return;
        }
        switch (signals.Read(message, now))
        {
            case IQueueMessage toQueue:
                _queues.Tell(toQueue, Self);
                break;
            case IAgentMessage toAgent:
                _agents.Tell(toAgent, Self);
                break;
        }
    }

    private void SendOutgoing()
    {
        var outboxes = _session.Outboxes;
        foreach (var entry in outboxes.Quarantine) _quarantined.Add((EventQuarantined)entry);
        outboxes.Quarantine.Clear();
        foreach (var delivery in outboxes.Outgoing) _calls.Tell(delivery, Self);
        outboxes.Outgoing.Clear();
    }

    private void FinishIfDone()
    {
        if (_finishing && _session.Outboxes.Held == 0) Finish();
    }

    private void Finish()
    {
        if (_owner is not null)
        {
            _owner.Tell(new HandOverDone(_node, _readUntil, _read, _reason, _quarantined, _gaps));
            _log.Info("node {0}: hand-over done: read {1} events after the hand-off, until {2:O}{3}", _node, _read, _readUntil,
                _reason is null ? "" : " (" + _reason + ")");
        }
        else if (_quarantined.Count > 0 || _gaps.Count > 0 || _reason is not null)
            _log.Warning("node {0}: hand-over ended without a new owner ({1}); {2} quarantined events and {3} gaps not journaled",
                _node, _reason ?? "none came", _quarantined.Count, _gaps.Count);
        var dropped = _calls.Dropped + _queues.Dropped + _agents.Dropped;
        if (dropped > 0) _log.Warning("node {0}: {1} messages of the hand-over had no member to go to", _node, dropped);
        Context.Stop(Self);
    }
}
