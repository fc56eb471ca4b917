using Akka.Actor;
using Akka.Event;
using Telephony.Ami.Actions;
using Telephony.Ami.Client;

namespace Telephony.Actors.Nodes;

/// <summary>The node's AMI connection: connected, lost, back, buffer overflow — each a journaled gap where events were
/// not observed, followed by a resync of the live channels.</summary>
public sealed partial class AsteriskNodeActor
{
    private void OnConnection(AmiConnectionNotification n)
    {
        TellActionsConnection(n);
        switch (n)
        {
            case AmiConnected c:
                _connectedSince = c.At;
                _disconnectedSince = null;
                _banner = c.Banner;
                _log.Info("node {0}: connected ({1})", _settings.Name, c.Banner);
                if (_firstConnection)
                {
                    // A previous incarnation (a crash, a moved shard) may have been cut off: journal that window.
                    _firstConnection = false;
                    Become(() => CheckingPreviousSession(c.At)); // routing waits for the session start
                    AskPreviousIncarnation(c.At, 1);
                    AskPreviousOwner(c.At);
                }
                else Self.Tell(new Heartbeat());
                Resync();
                break;
            case AmiDisconnected d:
                _disconnectedSince ??= d.At;
                _connectedSince = null;
                _lastError = d.Reason;
                _log.Warning("node {0}: disconnected: {1}", _settings.Name, d.Reason);
                break;
            case AmiReconnected r:
                var from = _disconnectedSince ?? r.At - r.Downtime;
                _connectedSince = r.At;
                _disconnectedSince = null;
                _banner = r.Banner;
                RecordGap(from, r.At, $"AMI disconnected ({_lastError ?? "unknown reason"}), reconnected after {r.Attempts} attempt(s)", -1);
                Resync();
                break;
            case AmiEventsLost lost:
                RecordGap(lost.FirstLostAt, lost.LastLostAt, "event buffer overflow: the journal fell behind", lost.Count);
                Resync();
                break;
            case AmiConnectAttemptFailed f:
                _lastError = f.Reason;
                _log.Warning("node {0}: connect attempt {1} failed: {2}; next in {3}", _settings.Name, f.Attempt, f.Reason, f.RetryIn);
                break;
            case AmiStopped s:
                _lastError = s.Reason;
                _log.Error("node {0}: AMI client stopped: {1}", _settings.Name, s.Reason);
                break;
        }
    }

    private void RecordGap(DateTimeOffset from, DateTimeOffset to, string reason, long lost)
    {
        _gaps++;
        _log.Warning("node {0}: gap from {1:O} to {2:O}: {3}", _settings.Name, from, to, reason);
        WriteToJournal([new GapRecorded(_settings.Name, from, to, reason, lost)]);
        // Hang-ups of queue callers may be among what went unread: their queues check the channels now.
        if (_queueSignals is not null && _queueLinks is not null)
            foreach (var unobserved in _queueSignals.Unobserved(from, to)) Queues.Tell(unobserved);
    }

    /// <summary>Learns which channels are up (and their LinkedIDs) so Cdr of calls that started unseen can be routed.</summary>
    private void Resync()
    {
        var client = _client;
        client.SendListActionAsync(AmiActions.CoreShowChannels(), cancellationToken: _stopping.Token)
            .ContinueWith(async t =>
            {
                var list = await t.ConfigureAwait(false);
                var items = await list.ToListAsync().ConfigureAwait(false);
                var channels = items
                    .Where(i => i.EventName == "CoreShowChannel")
                    .Select(i => (i["Uniqueid"] ?? "", i["Linkedid"] ?? ""))
                    .Where(c => c.Item1.Length > 0 && c.Item2.Length > 0)
                    .ToList();
                return (object)new ResyncDone(channels.Count, channels);
            }, TaskScheduler.Default)
            .Unwrap()
            .PipeTo(Self, failure: e => new ResyncFailed(e.GetBaseException().Message));
    }
}
