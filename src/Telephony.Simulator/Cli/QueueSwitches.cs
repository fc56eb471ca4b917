using System.Globalization;
using Telephony.Simulator.Load;
using Telephony.Simulator.Queue;

namespace Telephony.Simulator.Cli;

/// <summary>The virtual queue's command-line switches (agents, timeouts, queue load), gathered while parsing.</summary>
internal sealed class QueueSwitches
{
    public const string Help = """
          --agent ID@NODE:RING/TALK  a virtual queue agent on node NODE (1-based) ringing RING s then talking TALK s;
                                  ID@NODE:never (never answers) or ID@NODE:busy; repeatable, replaces the captures'
                                  agents (1001@2:2/5 1002@2:never 1003@2:busy 1004@2:1/8 2001@2:1/6 2002@2:3/4 1001@1:2/5 1004@1:1/8)
          --ring-timeout S        vq-connect's Dial timeout (default 15)
          --max-wait S            how long a caller without patience waits on music (default 60, hold,s)
          --connect-context NAME  the context a Redirect connects in (default vq-connect)
          --queue-callers-per-second X  queue load: X callers per second join, round-robin over the nodes
          --queue-callers N       queue load: stop after N callers
          --queue NAME[=WEIGHT]   queue load: queue to join (repeatable; default sales)
          --queue-priority P[=WEIGHT]  queue load: priority (repeatable; default 3)
          --patience-share F      queue load: share of callers that hang up after a patience (0..1, default 0)
          --patience S            queue load: mean patience, exponential (default 60)
          --agents-per-node N     queue load: N agents on every node, ids <node><nnnn> (e.g. 20001)
          --agent-ring MIN:MAX    queue load: agents' ring seconds, uniform (default 1:4)
          --agent-talk S          queue load: agents' mean talk seconds, exponential (default 120)
          --no-answer-share F     queue load: share of agents that never answer
          --busy-share F          queue load: share of agents that are busy
        """;

    private readonly List<AgentBehavior> _agents = [];
    private readonly List<KeyValuePair<string, double>> _queues = [];
    private readonly List<KeyValuePair<int, double>> _priorities = [];
    private VirtualQueueOptions _options = new();
    private QueueLoadOptions _load = new();
    private bool _hasLoad;

    /// <summary>Takes <paramref name="arg"/> if it is a queue switch (reading its value with
    /// <paramref name="next"/>); false = not one of these.</summary>
    public bool Take(string arg, Func<string> next)
    {
        switch (arg)
        {
            case "--agent": _agents.Add(AgentBehavior.Parse(next())); return true;
            case "--ring-timeout": _options = _options with { RingTimeout = Seconds(next(), arg) }; return true;
            case "--max-wait": _options = _options with { MaxWait = Seconds(next(), arg) }; return true;
            case "--connect-context": _options = _options with { ConnectContext = next() }; return true;
        }
        if (TakeLoad(arg, next))
        {
            _hasLoad = true;
            return true;
        }
        return false;
    }

    private bool TakeLoad(string arg, Func<string> next)
    {
        switch (arg)
        {
            case "--queue-callers-per-second": _load = _load with { CallersPerSecond = Number(next(), arg, 0.001, 100_000) }; return true;
            case "--queue-callers": _load = _load with { MaxCallers = (int)Number(next(), arg, 1, int.MaxValue) }; return true;
            case "--queue":
                var q = next();
                var eq = q.IndexOf('=');
                _queues.Add(eq < 0 ? new(q, 1) : new(q[..eq], Number(q[(eq + 1)..], arg, 0, 1e9)));
                return true;
            case "--queue-priority":
                var p = next();
                var at = p.IndexOf('=');
                _priorities.Add(new((int)Number(at < 0 ? p : p[..at], arg, 0, 1000), at < 0 ? 1 : Number(p[(at + 1)..], arg, 0, 1e9)));
                return true;
            case "--patience-share": _load = _load with { PatienceShare = Number(next(), arg, 0, 1) }; return true;
            case "--patience": _load = _load with { Patience = DurationDistribution.Exponential(Seconds(next(), arg)) }; return true;
            case "--agents-per-node": _load = _load with { AgentsPerNode = (int)Number(next(), arg, 0, 9999) }; return true;
            case "--agent-ring":
                var range = next().Split(':');
                if (range.Length != 2) throw new ArgumentException($"{arg}: expected MIN:MAX seconds");
                _load = _load with { Ring = DurationDistribution.Uniform(Seconds(range[0], arg), Seconds(range[1], arg)) };
                return true;
            case "--agent-talk": _load = _load with { Talk = DurationDistribution.Exponential(Seconds(next(), arg)) }; return true;
            case "--no-answer-share": _load = _load with { NoAnswerShare = Number(next(), arg, 0, 1) }; return true;
            case "--busy-share": _load = _load with { BusyShare = Number(next(), arg, 0, 1) }; return true;
        }
        return false;
    }

    public VirtualQueueOptions Build(int? seed)
    {
        var options = _options;
        if (_agents.Count > 0) options = options with { Agents = _agents.ToArray() };
        if (!_hasLoad) return options;
        var load = _load with { Seed = seed };
        if (_queues.Count > 0) load = load with { Queues = _queues.ToArray() };
        if (_priorities.Count > 0) load = load with { Priorities = _priorities.ToArray() };
        return options with { Load = load };
    }

    private static TimeSpan Seconds(string text, string option) => TimeSpan.FromSeconds(Number(text, option, 0, 86_400 * 7));

    private static double Number(string text, string option, double min, double max) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new ArgumentException($"{option}: '{text}' is not a number in {min}..{max}");
}
