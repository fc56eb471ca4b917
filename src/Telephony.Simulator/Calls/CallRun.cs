using System.Diagnostics;
using System.Globalization;
using Telephony.Simulator.Model;
using Telephony.Simulator.Sessions;

namespace Telephony.Simulator.Calls;

/// <summary>
/// One call playing its script on a node: holds the call's identities (uniqueids, Local channel numbers, bridge ids,
/// allocated on first use so they follow creation order), its simulated clock and the start/answer time of each
/// channel for the Cdr. Emission goes through the node, which updates the channel and queue models and fans out to
/// the sessions.
/// </summary>
internal sealed class CallRun
{
    private readonly SimulatedNode _node;
    private readonly AmiSession? _syncOriginator;
    private readonly double _stretch;
    private readonly List<string> _uids = [];
    private readonly List<string> _locals = [];
    private readonly Dictionary<int, string> _bridges = [];
    private readonly Dictionary<string, CallTimes> _times = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _hangupRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DateTimeOffset _wallStart = DateTimeOffset.UtcNow;
    private double _simulatedMs;
    private volatile bool _awaitingHangup;
    private int _teardownCause = 16;
    private bool _originateAnswered;
    private Task _task = Task.CompletedTask;

    /// <summary>Create under the node's emission lock (it allocates the first uniqueid).</summary>
    internal CallRun(SimulatedNode node, CallScript script, CallOptions options, AmiSession? syncOriginator)
    {
        _node = node;
        Script = script;
        Origin = options.Originate;
        _syncOriginator = syncOriginator;
        _stretch = options.Duration is { } d && script.NominalMilliseconds > 0
            ? Math.Max(0, d.TotalMilliseconds) / script.NominalMilliseconds
            : 1.0;
        Uid(0);
    }

    public CallScript Script { get; }
    public OriginateRequest? Origin { get; }
    public string Linkedid => _uids[0];
    public Task Completion => _task;

    /// <summary>The call's simulated now: wall start plus the simulated time its waits have passed.</summary>
    public DateTimeOffset Now => _wallStart.AddMilliseconds(_simulatedMs);

    public void Start() => _task = Task.Run(RunAsync);

    /// <summary>An AMI Hangup of one of this call's channels. At an <c>@await-hangup</c> the script goes on; anywhere
    /// else the call is torn down (every live channel hangs up with a Cdr).</summary>
    public void RequestHangup(int cause)
    {
        if (_awaitingHangup)
        {
            _hangupRequested.TrySetResult();
            return;
        }
        _teardownCause = cause;
        _cts.Cancel();
    }

    /// <summary>Stop now and hang up what is still up (node restart, simulator shutdown).</summary>
    public void Abort(int cause = 16)
    {
        _teardownCause = cause;
        _cts.Cancel();
    }

    private async Task RunAsync()
    {
        var ct = _cts.Token;
        try
        {
            foreach (var step in Script.Steps)
            {
                ct.ThrowIfCancellationRequested();
                switch (step)
                {
                    case WaitStep wait:
                        var ms = wait.Milliseconds * _stretch;
                        await _node.DelayAsync(ms, ct).ConfigureAwait(false);
                        _simulatedMs += ms;
                        break;
                    case AwaitHangupStep awaitHangup:
                        var started = Stopwatch.GetTimestamp();
                        var max = awaitHangup.MaxMilliseconds * _stretch;
                        _awaitingHangup = true;
                        try
                        {
                            var timeout = _node.DelayAsync(max, ct);
                            if (await Task.WhenAny(_hangupRequested.Task, timeout).ConfigureAwait(false) == timeout)
                                await timeout.ConfigureAwait(false); // throws when cancelled
                        }
                        finally
                        {
                            _awaitingHangup = false;
                        }
                        var waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds / _node.Options.TimeScale;
                        _simulatedMs += Math.Min(waited, max);
                        break;
                    case EmitStep emit:
                        _node.EmitScripted(this, emit);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            _node.TearDown(this, _teardownCause);
        }
        catch (Exception e)
        {
            // A script that cannot be played (bad template, ...) must not take the node down: count it, hang up.
            _node.CallFailed(this, e);
            _node.TearDown(this, _teardownCause);
        }
        finally
        {
            AnswerSyncOriginate(success: false);
            _node.CallEnded(this);
        }
    }

    /// <summary>Renders one event (under the node's emission lock).</summary>
    internal List<KeyValuePair<string, string>> Render(EventTemplate template, KeyValuePair<string, string>? variable)
    {
        string? uniqueid = null;
        if (template["UniqueID"] is { } u) uniqueid = u.Render(p => Resolve(p, null, variable, false));
        var unansweredCdr = template.EventName == "Cdr" && template["AnswerTime"]?.Source.Length == 0;
        var headers = new List<KeyValuePair<string, string>>(template.Headers.Count + 2);
        foreach (var (key, value) in template.Headers)
            headers.Add(new(key, value.Render(p => Resolve(p, uniqueid, variable, unansweredCdr))));
        Observe(headers);
        return headers;
    }

    /// <summary>OriginateResponse: false when it must not go out as an event (no Originate behind the call, or a
    /// synchronous Originate, which gets its response now instead).</summary>
    internal bool ShouldEmitOriginateResponse(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        if (Origin is null) return false;
        if (_syncOriginator is null) return true;
        AnswerSyncOriginate(headers.Get("Response") == "Success");
        return false;
    }

    internal CallTimes TimesOf(string uniqueid) =>
        _times.TryGetValue(uniqueid, out var t) ? t : _times[uniqueid] = new CallTimes { Start = Now };

    internal IReadOnlyList<KeyValuePair<string, string>> Variables => Origin?.Variables ?? [];

    private void AnswerSyncOriginate(bool success)
    {
        if (_syncOriginator is null || _Originated()) return;
        _syncOriginator.Send(success
            ? Actions.Reply.Success(Origin?.ActionId, "Originate successfully queued")
            : Actions.Reply.Error(Origin?.ActionId, "Originate failed"));

        bool _Originated()
        {
            lock (_times)
            {
                if (_originateAnswered) return true;
                _originateAnswered = true;
                return false;
            }
        }
    }

    private void Observe(List<KeyValuePair<string, string>> e)
    {
        switch (e.Get("Event"))
        {
            case "Newchannel" when e.Get("Uniqueid") is { } created:
                _times[created] = new CallTimes { Start = Now };
                break;
            case "Newstate" when e.Get("ChannelState") == "6" && e.Get("Uniqueid") is { } up:
                TimesOf(up).Answer ??= Now;
                break;
            case "CEL" when e.Get("EventName") == "ANSWER" && e.Get("UniqueID") is { } answered:
                TimesOf(answered).Answer ??= Now;
                break;
        }
    }

    private string Resolve(Placeholder p, string? uniqueid, KeyValuePair<string, string>? variable, bool unansweredCdr)
    {
        switch (p.Name)
        {
            case "uid": return Uid(p.IntArgument);
            case "local": return Local(p.IntArgument);
            case "bridge":
                return _bridges.TryGetValue(p.IntArgument, out var b) ? b : _bridges[p.IntArgument] = Guid.NewGuid().ToString();
            case "now": return _node.FormatTime(Now);
            case "cdr.start": return _node.FormatTime(Cdr(uniqueid).Start);
            case "cdr.answer": return _node.FormatTime(Cdr(uniqueid).Answer ?? Cdr(uniqueid).Start);
            case "cdr.duration": return Seconds(Now - Cdr(uniqueid).Start);
            case "cdr.billsec":
                var t = Cdr(uniqueid);
                return unansweredCdr ? "0" : Seconds(Now - (t.Answer ?? t.Start));
            case "actionid": return Origin?.ActionId ?? p.Default ?? "";
            case "cid.num": return Origin?.CallerIdNumber ?? p.Default ?? "";
            case "cid.name": return Origin?.CallerIdName ?? p.Default ?? "";
            case "callerid":
                return Origin is { CallerIdNumber: not null } or { CallerIdName: not null }
                    ? $"\"{Origin.CallerIdName}\" <{Origin.CallerIdNumber}>"
                    : p.Default ?? "";
            case "var.name": return variable?.Key ?? "";
            case "var.value": return variable?.Value ?? "";
            case "node.start": return _node.StartedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            case "epoch.now": return Now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            default: return p.Default ?? "";
        }
    }

    private CallTimes Cdr(string? uniqueid) => uniqueid is null ? new CallTimes { Start = Now } : TimesOf(uniqueid);

    private static string Seconds(TimeSpan span) =>
        ((long)Math.Max(0, Math.Floor(span.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    private string Uid(int index)
    {
        while (_uids.Count <= index)
        {
            var next = _uids.Count switch
            {
                0 when Origin?.ChannelId is { } id => id,
                1 when Origin?.OtherChannelId is { } other => other,
                _ => _node.Ids.Next(Now),
            };
            _uids.Add(next);
        }
        return _uids[index];
    }

    private string Local(int index)
    {
        while (_locals.Count <= index) _locals.Add(_node.Ids.NextLocal());
        return _locals[index];
    }
}
