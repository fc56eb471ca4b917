using Akka.Actor;
using Akka.Event;
using Telephony.Actors.Actions;
using Telephony.Domain.Actions;
using Telephony.Domain.Queues;
using Telephony.Domain.Queues.Calls;

namespace Telephony.Actors.Queues;

/// <summary>
/// Hang-ups the queue may have missed: a member that died (or a node session that was down) does not see a caller's
/// channel end, so the queue asks the caller's node whether the channel is still there — a read-only <c>Getvar</c>
/// through the action queue, which Asterisk answers <c>No such channel</c> for a channel that is gone. Every caller is
/// checked when the queue recovers, connected calls again every minute, and a node's callers as soon as the node was
/// unread for a while (a short soak lost two callers waiting behind agents "on" calls whose hang-ups a dead member
/// had missed: the minute's check came after the phones had given up).
/// </summary>
public sealed partial class QueueEntity
{
    private sealed record CheckConnected;

    private static readonly TimeSpan CheckInterval = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, CallerKey> _checks = new(StringComparer.Ordinal);
    private long _checked;

    private void CheckCommands()
    {
        Command<CheckConnected>(_ =>
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var c in _state.Connected.Where(c => now - c.Connection!.At >= CheckInterval).ToList()) Check(c);
        });
        Command<NodeUnobserved>(n =>
        {
            foreach (var c in _state.Line.Concat(_state.Connected).Where(c => c.Key.Node == n.Node).ToList()) Check(c);
        });
    }

    private void StartChecks()
    {
        foreach (var caller in _state.Line.Concat(_state.Connected).ToList()) Check(caller);
        Timers.StartPeriodicTimer("check-connected", new CheckConnected(), CheckInterval);
    }

    private void Check(QueueCaller caller)
    {
        var key = $"{_name}/check/{_incarnation}/{++_checked}";
        _checks[key] = caller.Key;
        _nodes.Tell(new SubmitAction(new ActionRequest(caller.Key.Node, "Getvar",
            [new("Channel", caller.Joined.Channel), new("Variable", "TELEPHONY_QUEUE")], key, Priority: 5)));
    }

    private void OnChecked(string key, CallerKey caller, ActionRecord a)
    {
        if (!a.IsDone && a.Status is not (ActionStatus.Refused or ActionStatus.Failed)) return;
        _checks.Remove(key);
        var gone = a.Status == ActionStatus.Refused
                   || (a.Status == ActionStatus.Failed && a.Message?.Contains("No such channel", StringComparison.OrdinalIgnoreCase) == true);
        if (!gone || _state.Find(caller) is null) return;
        _log.Info("queue {0}: caller {1} is gone from its node (missed hang-up): {2}", _name, caller, a.Message ?? a.Status.ToString());
        Record(_state.CallerHungUp(caller, DateTimeOffset.UtcNow));
    }
}
