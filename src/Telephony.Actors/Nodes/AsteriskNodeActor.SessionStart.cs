using Akka.Actor;
using Akka.Event;
using Telephony.Actors.Nodes.HandOver;

namespace Telephony.Actors.Nodes;

// The node's session start, the states between its first connection and its first routed event. The first session
// of this incarnation routes nothing until its start is journaled (a NodeSeen, acknowledged), after the previous
// session's window was looked at: whatever this session journals, a crash after it finds where the unobserved window
// began. Events wait in the client's buffer meanwhile, and no heartbeat is journaled: the previous session's last one
// is still being read.
public sealed partial class AsteriskNodeActor
{
    private sealed record PreviousIncarnation(DateTimeOffset? LastSeen, DateTimeOffset ConnectedAt, long Gaps, long Quarantined);
    private sealed record PreviousIncarnationUnknown(DateTimeOffset ConnectedAt, int Attempt, string Reason);

    /// <summary>First of the session start: asking the node journal when the previous session was last seen, and the
    /// other members whether one of them still reads the previous session (a planned hand-over).</summary>
    private void CheckingPreviousSession(DateTimeOffset connectedAt)
    {
        PreviousIncarnation? previous = null;
        void Ready()
        {
            if (previous is null || !HandOverSettled) return;
            EndHandOverWait();
            // Totals from the journal (all owners of this node so far), counted on from here.
            _gapsBefore = previous.Gaps;
            _gaps = 0;
            _quarantinedBefore = previous.Quarantined - _router.Quarantined;
            if (HandOverWait.GapFrom(previous.LastSeen, _handOverWait?.Done, connectedAt) is { } from)
                RecordGap(from, connectedAt, _handOverWait?.Done is { } d
                    ? $"node handed over: the previous session stopped reading before this one logged in ({d.Reason ?? "no reason given"})"
                    : "node (re)started: nothing observed since the previous session's last heartbeat", -1);
            JournalSessionStart(connectedAt);
        }
        Receive<PreviousIncarnation>(p => p.ConnectedAt == connectedAt, p =>
        {
            previous = p;
            Ready();
        });
        Receive<PreviousIncarnationUnknown>(u => u.ConnectedAt == connectedAt, u =>
        {
            // Asked until answered: routing waits for the session start to be journaled anyway, which needs the same
            // journal, and going on without the answer left a dead member's unobserved window unjournaled (a fleet
            // soak lost calls that way when a member died as the database came back).
            if (u.Attempt % 3 == 0)
                _log.Warning("node {0}: still cannot read when the previous session was last seen ({1}); asking again, routing " +
                             "waits", _settings.Name, u.Reason);
            AskPreviousIncarnation(u.ConnectedAt, u.Attempt + 1);
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_journal), _ =>
        {
            StartJournal();
            // A question the old journal never answered goes to the new one.
            AskPreviousIncarnation(connectedAt, 1);
        });
        HandOverAnswers(Ready);
        AwaitingSessionStart();
    }

    /// <summary>Then: the session start is being journaled; routing begins once it is acknowledged.</summary>
    private void JournalingSessionStart(long write)
    {
        Receive<NodeJournal.Written>(w => w.DeliveryId == write, w =>
        {
            if (!_journalWrites.Acknowledge(w.DeliveryId)) return;
            if (_handOffAsked)
            {
                HandOff();
                return;
            }
            EnsureActionQueue();
            Become(Routing);
            QueuePull();
            AfterDelivered();
        });
        Receive<Terminated>(t => t.ActorRef.Equals(_journal), _ => StartJournal());
        AwaitingSessionStart();
    }

    private void AwaitingSessionStart()
    {
        Receive<Pull>(_ =>
        {
            _pullQueued = false;
            _pulling = false; // the session start's acknowledgement pulls
        });
        Receive<Heartbeat>(_ => { });
        Always();
    }

    /// <summary>Journals the start of this incarnation's first session (acknowledged and redelivered like any node
    /// journal write), after the previous session's window was looked at; routing starts once it is safe.</summary>
    private void JournalSessionStart(DateTimeOffset connectedAt)
    {
        var write = WriteToJournal([new NodeSeen(_settings.Name, connectedAt)]);
        Become(() => JournalingSessionStart(write));
    }

    /// <summary>Asks the node journal when the previous session was last seen, to journal the window since as a gap.
    /// Retried (and re-asked of a restarted journal): a window that is never journaled is a silent loss.</summary>
    private void AskPreviousIncarnation(DateTimeOffset connectedAt, int attempt)
    {
        _journal.Ask<NodeJournal.LastSeen>(new NodeJournal.GetLastSeen(), TimeSpan.FromSeconds(10))
            .PipeTo(Self, success: l => new PreviousIncarnation(l.At, connectedAt, l.Gaps, l.Quarantined),
                failure: e => new PreviousIncarnationUnknown(connectedAt, attempt, e.Message));
    }
}
