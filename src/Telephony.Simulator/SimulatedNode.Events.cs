using System.Globalization;
using Telephony.Simulator.Calls;
using Telephony.Simulator.Model;
using Telephony.Simulator.Sessions;

namespace Telephony.Simulator;

/// <summary>The node's event output: every event is rendered, observed by the channel and queue models and offered
/// to the sessions under the emission lock, with its Timestamp when the options ask for one.</summary>
public sealed partial class SimulatedNode
{
    /// <summary>Offers an event of the node itself (no call) to every session (each applies its login state and
    /// Events mask); raised now on the node's clock.</summary>
    internal void Broadcast(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var bytes = WriteEvent(headers, ClockMicros);
        var eventClass = EventMask.OfPrivilege(headers.Get("Privilege"));
        lock (_lock)
            foreach (var s in _sessions) s.SendEvent(eventClass, bytes);
    }

    /// <summary>An event's bytes, with its Timestamp when <see cref="SimulatorOptions.TimestampEvents"/> is on.</summary>
    internal byte[] WriteEvent(IReadOnlyList<KeyValuePair<string, string>> headers, long raisedAtMicros) =>
        ManagerEvent.Write(headers, Options.TimestampEvents ? raisedAtMicros : null);

    internal void EmitScripted(CallRun run, EmitStep step)
    {
        lock (_lock)
        {
            if (step.EachVariable)
            {
                foreach (var variable in run.Variables)
                {
                    var each = run.Render(step, variable);
                    EmitLocked(each.Headers, run, each.RaisedAt);
                }
                return;
            }
            var e = run.Render(step, null);
            if (step.Template.EventName == "OriginateResponse")
            {
                run.NameRequestedChannelId(e.Headers);
                if (!run.ShouldEmitOriginateResponse(e.Headers)) return;
            }
            EmitLocked(e.Headers, run, e.RaisedAt);
        }
    }

    internal void TearDown(CallRun run, int cause)
    {
        lock (_lock)
        {
            var legs = _channels.Live.Where(l => l.Call == run).ToList();
            foreach (var e in CallTeardown.Events(legs, run, cause, FormatTime)) EmitLocked(e.Headers, run, e.RaisedAt);
        }
    }

    internal bool HangupChannel(string channel, int cause)
    {
        CallRun? run;
        lock (_lock)
        {
            var leg = _channels.ByName(channel);
            if (leg is null) return false;
            run = leg.Call;
        }
        run?.RequestHangup(cause);
        return run is not null;
    }

    /// <param name="acknowledge">Runs under the emission lock before the events ("Redirect successful" first).</param>
    internal bool RedirectChannel(string channel, string context, string exten, string priority, Action acknowledge)
    {
        lock (_lock)
        {
            var leg = _channels.ByName(channel);
            if (leg is null) return false;
            if (leg.Call?.Flow is Queue.QueueCaller caller && caller.TryRedirect(leg, context, exten, acknowledge)) return true;
            acknowledge();
            var headers = new List<KeyValuePair<string, string>> { new("Event", "Newexten"), new("Privilege", "dialplan,all") };
            headers.AddRange(leg.Snapshot());
            if (context.Length > 0) headers.Set("Context", context);
            headers.Set("Exten", exten);
            headers.Set("Priority", priority);
            headers.Add(new("Extension", exten));
            headers.Add(new("Application", ""));
            headers.Add(new("AppData", ""));
            EmitLocked(headers, leg.Call, RaisedNow(leg, "Newexten"));
            return true;
        }
    }

    private void EmitLocked(List<KeyValuePair<string, string>> headers, CallRun? run, long raisedAtMicros)
    {
        var name = headers.Get("Event");
        if (name == "Cdr" && Options.CdrLinkedIdAndSequence)
        {
            var linkedid = run?.Linkedid ?? (headers.Get("UniqueID") is { } u ? _channels.ByUniqueid(u)?.Linkedid : null) ?? "";
            headers.Add(new("LinkedID", linkedid));
            headers.Add(new("Sequence", (_cdrSequence++).ToString(CultureInfo.InvariantCulture)));
        }
        if (_bridges.Count > 0 && name == "Hangup") LeaveActionBridge(headers);
        _channels.Observe(headers, run, DateTimeOffset.UtcNow);
        _queues.Observe(headers, run?.Now ?? ClockNow);
        var bytes = WriteEvent(headers, raisedAtMicros);
        var eventClass = EventMask.OfPrivilege(headers.Get("Privilege"));
        foreach (var s in _sessions) s.SendEvent(eventClass, bytes);
    }

    /// <summary>Asterisk's local <c>YYYY-MM-DD HH:MM:SS</c> in the configured zone.</summary>
    internal string FormatTime(DateTimeOffset t) =>
        TimeZoneInfo.ConvertTime(t, Options.TimeZone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
