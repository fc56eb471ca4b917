using System.Diagnostics;
using System.Globalization;
using Telephony.Simulator.Model;
using Telephony.Simulator.Sessions;

namespace Telephony.Simulator.Calls;

/// <summary>
/// One call playing its script on a node: holds the call's identities (uniqueids, Local channel numbers, bridge ids,
/// allocated on first use so they follow creation order), its simulated clock (<see cref="CallClock"/>) and the
/// start/answer/end of each channel (<see cref="CallTimeline"/>) for its CEL and Cdr. Emission goes through the node,
/// which updates the channel and queue models and fans out to the sessions.
/// </summary>
internal sealed class CallRun
{
    private readonly SimulatedNode _node;
    private readonly AmiSession? _syncOriginator;
    private readonly double _stretch;
    private readonly List<string> _uids = [];
    private readonly List<string> _locals = [];
    private readonly Dictionary<int, string> _bridges = [];
    private readonly CallClock _clock;
    private readonly CallTimeline _timeline = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _hangupRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<CallRun, CancellationToken, Task>? _program;
    private volatile bool _awaitingHangup;
    private int _teardownCause = 16;
    private int _originateAnswered;
    private Task _task = Task.CompletedTask;

    /// <summary>Create under the node's emission lock (it allocates the first uniqueid).</summary>
    /// <param name="fractions">Source of the call's sub-second fractions; null = whole-second waits.</param>
    internal CallRun(SimulatedNode node, CallScript script, CallOptions options, AmiSession? syncOriginator,
        Random? fractions)
    {
        _clock = new CallClock(options.StartMicros ?? node.ClockMicros, fractions);
        _program = options.Program;
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

    /// <summary>The call's simulated now: its start on the node's clock plus the simulated time passed since.</summary>
    public DateTimeOffset Now => _clock.Now;

    public void Start() => _task = Task.Run(RunAsync);

    /// <summary>An AMI Hangup of one of this call's channels. At an <c>@await-hangup</c> the script goes on; anywhere
    /// else the call is torn down (every live channel hangs up with a Cdr).</summary>
    public void RequestHangup(int cause)
    {
        if (_program is not null)
        {
            // A program decides itself what a hangup means where it is (abandon, cancel of a ringing agent, ...).
            _teardownCause = cause;
            _hangupRequested.TrySetResult();
            return;
        }
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
            if (_program is not null) await _program(this, ct).ConfigureAwait(false);
            else await PlayStepsAsync(ct).ConfigureAwait(false);
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

    private async Task PlayStepsAsync(CancellationToken ct)
    {
        foreach (var step in Script.Steps)
        {
            ct.ThrowIfCancellationRequested();
            switch (step)
            {
                case WaitStep wait:
                    var micros = _clock.DrawWait(wait.Milliseconds * _stretch);
                    await _node.DelayAsync(micros / 1000.0, ct).ConfigureAwait(false);
                    _clock.Advance(micros);
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
                    _clock.Advance((long)Math.Round(Math.Min(waited, max) * 1000));
                    break;
                case EmitStep emit:
                    _node.EmitScripted(this, emit);
                    break;
            }
        }
    }

    /// <summary>An AMI Hangup of one of the call's channels (program mode); <see cref="HangupCause"/> says which.</summary>
    internal Task HangupRequested => _hangupRequested.Task;

    internal int HangupCause => _teardownCause;

    internal long ClockMicros => _clock.NowMicros;

    /// <summary>The queue flow playing this call (QueueCaller, AgentOriginate), for the Redirect and Bridge hooks.</summary>
    internal object? Flow { get; set; }

    /// <summary>Another call of the conversation reached <paramref name="micros"/>: this one is there too.</summary>
    internal void CatchUp(long micros) => _clock.AdvanceTo(micros);

    /// <summary>Simulated time passes for this call (a program's ring or talk time).</summary>
    internal async Task SleepAsync(double simulatedMs, CancellationToken ct)
    {
        var micros = _clock.DrawWait(simulatedMs);
        await _node.DelayAsync(micros / 1000.0, ct).ConfigureAwait(false);
        _clock.Advance(micros);
    }

    /// <summary>Waits for <paramref name="signal"/> (which carries the moment, on the signalling call's clock, it
    /// happened) at most <paramref name="maxMs"/> simulated ms; true when signalled. Either way the clock moves on
    /// to when the wait ended, so both calls of a conversation agree on the time.</summary>
    internal async Task<bool> WaitAsync(Task<long> signal, double maxMs, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var timeout = _node.DelayAsync(maxMs, ct);
        if (await Task.WhenAny(signal, timeout).ConfigureAwait(false) == signal)
        {
            // A signal from another call carries its moment; one from outside (an action) carries 0: the time
            // that passed on the wall clock, scaled, is the time that passed.
            var at = await signal.ConfigureAwait(false);
            if (at > 0) _clock.AdvanceTo(at);
            else _clock.Advance((long)Math.Round(Math.Min(Stopwatch.GetElapsedTime(started).TotalMilliseconds / _node.Options.TimeScale, maxMs) * 1000));
            return true;
        }
        await timeout.ConfigureAwait(false); // throws when cancelled
        var waited = Stopwatch.GetElapsedTime(started).TotalMilliseconds / _node.Options.TimeScale;
        _clock.Advance((long)Math.Round(Math.Min(waited, maxMs) * 1000));
        return false;
    }

    /// <summary>Renders an event of a segment: <paramref name="scoped"/> answers the placeholders it knows (queue,
    /// agent, per-attempt ids, forks, the other call's values), the call the rest (under the emission lock).</summary>
    internal RenderedEvent RenderScoped(EmitStep step, Func<Placeholder, string?> scoped, bool finalCdr)
    {
        var template = step.Template;
        string Base(Placeholder p, string? uid, bool unanswered, long record) =>
            scoped(p) ?? Resolve(p, uid, null, unanswered, record);
        string? uniqueid = null;
        if (template["UniqueID"] is { } u) uniqueid = u.Render(p => Base(p, null, false, 0));
        var instants = NextEvent(template.EventName, template.CelEventName, template["ChannelState"]?.Source, uniqueid,
            template.EventName == "Cdr" && finalCdr);
        var unansweredCdr = template.EventName == "Cdr" && template["AnswerTime"]?.Source.Length == 0;
        var headers = new List<KeyValuePair<string, string>>(template.Headers.Count + 3);
        foreach (var (key, value) in template.Headers)
            headers.Add(new(key, value.Render(p => Base(p, uniqueid, unansweredCdr, instants.Record))));
        return new RenderedEvent(headers, RaisedAt(instants));
    }

    /// <summary>A placeholder as this call resolves it outside any event (ids, caller id); for another call's
    /// segment that names this call's channels.</summary>
    internal string ResolvePlain(Placeholder p) => Resolve(p, null, null, false, _clock.NowMicros);

    /// <summary>Renders one event of the script and says when it is raised (under the node's emission lock).</summary>
    internal RenderedEvent Render(EmitStep step, KeyValuePair<string, string>? variable)
    {
        var template = step.Template;
        string? uniqueid = null;
        if (template["UniqueID"] is { } u) uniqueid = u.Render(p => Resolve(p, null, variable, false, 0));
        var instants = NextEvent(template.EventName, template.CelEventName, template["ChannelState"]?.Source, uniqueid,
            template.EventName == "Cdr" && Script.IsFinalCdr(step));
        var unansweredCdr = template.EventName == "Cdr" && template["AnswerTime"]?.Source.Length == 0;
        var headers = new List<KeyValuePair<string, string>>(template.Headers.Count + 3);
        foreach (var (key, value) in template.Headers)
            headers.Add(new(key, value.Render(p => Resolve(p, uniqueid, variable, unansweredCdr, instants.Record))));
        return new RenderedEvent(headers, RaisedAt(instants));
    }

    /// <summary>Moves the call's clock to its next event and fixes the channel moment the event reports, if any
    /// (under the node's emission lock).</summary>
    internal EventInstants NextEvent(string eventName, string? celEventName, string? channelState, string? uniqueid,
        bool finalCdr) =>
        _timeline.Instants(eventName, celEventName, channelState, uniqueid, finalCdr, _clock.NextEvent());

    /// <summary>The Timestamp of an event: a little after the instant it is raised from.</summary>
    internal long RaisedAt(EventInstants instants) =>
        instants.RaisedFrom + (instants.IsCel ? _clock.CelRaiseDelayMicros : _clock.RaiseDelayMicros);

    /// <summary>OriginateResponse: false when it must not go out as an event (no Originate behind the call, or a
    /// synchronous Originate, which gets its response now instead).</summary>
    internal bool ShouldEmitOriginateResponse(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        if (Origin is null) return false;
        if (_syncOriginator is null) return true;
        AnswerSyncOriginate(headers.Get("Response") == "Success");
        return false;
    }

    /// <summary>A failed Originate has no channel to take its Uniqueid from, so Asterisk names the requested
    /// ChannelId there (<c>&lt;unknown&gt;</c> without one, as the scripts were captured).</summary>
    internal void NameRequestedChannelId(List<KeyValuePair<string, string>> headers)
    {
        if (Origin?.ChannelId is { } id && headers.Get("Uniqueid") == "<unknown>") headers.Set("Uniqueid", id);
    }

    internal ChannelTimes TimesOf(string uniqueid) => _timeline.Of(uniqueid, _clock.NowMicros);

    internal IReadOnlyList<KeyValuePair<string, string>> Variables => Origin?.Variables ?? [];

    private void AnswerSyncOriginate(bool success)
    {
        if (_syncOriginator is null || Interlocked.Exchange(ref _originateAnswered, 1) == 1) return;
        _syncOriginator.Send(success
            ? Actions.Reply.Success(Origin?.ActionId, "Originate successfully queued")
            : Actions.Reply.Error(Origin?.ActionId, "Originate failed"));
    }

    /// <param name="record">The event's record instant (µs): its EventTime, or a Cdr's end.</param>
    private string Resolve(Placeholder p, string? uniqueid, KeyValuePair<string, string>? variable, bool unansweredCdr,
        long record)
    {
        switch (p.Name)
        {
            case "uid": return Uid(p.IntArgument);
            case "local": return Local(p.IntArgument);
            case "bridge":
                return _bridges.TryGetValue(p.IntArgument, out var b) ? b : _bridges[p.IntArgument] = Guid.NewGuid().ToString();
            case "now": return _node.FormatTime(AsteriskTime.FromMicros(record));
            case "cdr.start": return _node.FormatTime(AsteriskTime.FromMicros(Cdr(uniqueid, record).Start));
            case "cdr.answer":
                var a = Cdr(uniqueid, record);
                return _node.FormatTime(AsteriskTime.FromMicros(a.Answer ?? a.Start));
            case "cdr.duration": return Num(AsteriskTime.CdrSeconds(record, Cdr(uniqueid, record).Start));
            case "cdr.billsec":
                var t = Cdr(uniqueid, record);
                return unansweredCdr ? "0" : Num(AsteriskTime.CdrSeconds(record, t.Answer ?? t.Start));
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

    private ChannelTimes Cdr(string? uniqueid, long record) =>
        uniqueid is null ? new ChannelTimes { Start = record } : TimesOf(uniqueid);

    private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

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

/// <summary>An event ready to go out: its headers and when it is raised (µs since the epoch, for its Timestamp).</summary>
internal readonly record struct RenderedEvent(List<KeyValuePair<string, string>> Headers, long RaisedAt);
