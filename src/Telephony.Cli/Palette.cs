namespace Telephony.Cli;

/// <summary>What one command asks of the management endpoint, and how its answer reads as text.</summary>
/// <param name="Body">JSON sent with the request, or null.</param>
public sealed record PbmRequest(HttpMethod Method, string Path, Func<System.Text.Json.JsonElement, IEnumerable<string>> Print, string? Body = null);

/// <summary>The command palette, named after Petabridge.Cmd's (cluster, cluster-sharding, actor) plus the telephony
/// ones (node, call, action, queue, agent, projection): each command becomes one request to the endpoint.</summary>
public static class Palette
{
    public const string Usage = """
        usage: pbm <host:port> <command> [arguments] [--json] [--token T]

          cluster show                       members: address | [roles] | status | reachability
          cluster status                     this member, the leader, unreachable members
          cluster leader                     the leader's address
          cluster join <address>             join this member to a cluster (akka.tcp://telephony@host:port)
          cluster leave [address]            make a member (default: this one) leave gracefully
          cluster down <address>             mark a member down
          cluster down-unreachable           mark every unreachable member down
          cluster tail [-n count]            recent membership, reachability and leader events
          cluster-sharding regions           the shard regions this member runs
          cluster-sharding region-stats -r <type>   entities per shard of a region (call, asterisk-node)
          actor hierarchy [-d depth] [-s path]      this member's actor tree
          node list                          each configured Asterisk node's AMI state
          node show <name>                   one node in full
          call list                          calls alive in this member's call region
          call show <node/linkedid>          one call's journaled state
          projection list | rebuild <name>   billing projections: offset and lag; rebuild one sink from zero

          action originate <node> <channel> (--context C --exten E [--priority P] | --application A [--data D])
                 [--caller-id "Name <num>"] [--timeout ms] [--variable K=V ...]
                                             queue an Originate (always Async) on a node's durable action queue
          action send <node> <Action> [Key=Value ...]   queue any allowed AMI action (headers in order; repeat a Key to repeat it)
                 scheduling, for both:  [--key idempotency-key] [--queue-priority 0-9, 0 first]
                                        [--not-before T] [--expires-at T | --expires-in 5m]
                                        T: 2025-06-01T09:00:00Z, local time without an offset, or a delay (30s, 5m, 1h)
          action show <id>                   one action in full (id: node:number, e.g. demo-1:17)
          action list [--node N] [--status S] [--limit N]   newest first, every configured node unless --node
          action cancel <id>                 cancel an action that is still queued

          queue list                         each configured queue: waiting, connected, longest wait, SL, agents
          queue show <name>                  one queue: waiting callers, connected calls, agents, statistics
          agent list [--queue Q]             each configured agent (or the members of Q): status, state, current call
          agent show <id>                    one agent in full
          agent login|logout|pause|unpause <id> [--reason R]   change an agent's status (source "api")

          --json       print the endpoint's JSON answer as it is
          --token T    bearer token of the endpoint (or environment PBM_TOKEN)

        exit codes: 0 done, 1 the endpoint could not be reached or refused, 2 bad arguments
        """;

    public static PbmRequest Resolve(PbmArguments a) => Resolve(a, DateTimeOffset.UtcNow);

    /// <param name="now">What "--not-before 5m" counts from.</param>
    public static PbmRequest Resolve(PbmArguments a, DateTimeOffset now)
    {
        var w = a.Words;
        var command = string.Join(' ', w.Take(2));
        switch (w[0], w.Count > 1 ? w[1] : null)
        {
            case ("cluster", "show"):
                Expect(a, 0);
                return Get("cluster", ClusterText.Show);
            case ("cluster", "status"):
                Expect(a, 0);
                return Get("cluster/status", ClusterText.Status);
            case ("cluster", "leader"):
                Expect(a, 0);
                return Get("cluster/leader", ClusterText.Leader);
            case ("cluster", "join"):
                Expect(a, 1, 1, "<address>");
                return Post($"cluster/join?address={Escape(w[2])}", ClusterText.Action);
            case ("cluster", "leave"):
                Expect(a, 0, 1, "[address]");
                return Post(w.Count > 2 ? $"cluster/leave?address={Escape(w[2])}" : "cluster/leave", ClusterText.Action);
            case ("cluster", "down"):
                Expect(a, 1, 1, "<address>");
                return Post($"cluster/down?address={Escape(w[2])}", ClusterText.Action);
            case ("cluster", "down-unreachable"):
                Expect(a, 0);
                return Post("cluster/down-unreachable", ClusterText.Action);
            case ("cluster", "tail"):
                Expect(a, 0, 0, "", "-n");
                return Get($"cluster/tail?count={PositiveInt(a, "-n", 50)}", ClusterText.Tail);
            case ("cluster-sharding", "regions"):
                Expect(a, 0);
                return Get("sharding/regions", ShardingText.Regions);
            case ("cluster-sharding", "region-stats"):
                Expect(a, 0, 0, "", "-r");
                if (!a.Options.TryGetValue("-r", out var type) || string.IsNullOrWhiteSpace(type))
                    throw new UsageException("cluster-sharding region-stats needs -r <type> (pbm ... cluster-sharding regions lists them)");
                return Get($"sharding/regions/{Escape(type)}/stats", ShardingText.RegionStats);
            case ("actor", "hierarchy"):
                Expect(a, 0, 0, "", "-d", "-s");
                var path = a.Options.TryGetValue("-s", out var s) ? $"&path={Escape(s)}" : "";
                return Get($"actors?depth={PositiveInt(a, "-d", 3)}{path}", ActorText.Hierarchy);
            case ("node", "list"):
                Expect(a, 0);
                return Get("nodes", NodeText.List);
            case ("node", "show"):
                Expect(a, 1, 1, "<name>");
                return Get($"nodes/{Escape(w[2])}", NodeText.Show);
            case ("call", "list"):
                Expect(a, 0);
                return Get("calls", CallText.List);
            case ("call", "show"):
                Expect(a, 1, 1, "<node/linkedid>");
                var slash = w[2].IndexOf('/');
                if (slash <= 0 || slash == w[2].Length - 1) throw new UsageException($"'{w[2]}' is not node/linkedid (e.g. demo-1/1700000000.12)");
                return Get($"calls/{Escape(w[2][..slash])}/{Escape(w[2][(slash + 1)..])}", CallText.Show);
            case ("action", _):
                return ActionCommands.Resolve(a, now);
            case ("queue", _):
                return QueueCommands.Resolve(a);
            case ("agent", _):
                return AgentCommands.Resolve(a);
            case ("projection", "list"):
                Expect(a, 0);
                return Get("projections", ProjectionText.List);
            case ("projection", "rebuild"):
                Expect(a, 1, 1, "<name>");
                return Post($"projections/{Escape(w[2])}/rebuild", ProjectionText.Rebuild);
            default:
                throw new UsageException($"unknown command '{command}'");
        }
    }

    /// <summary>Checks the argument count and that only the options this command knows were given.</summary>
    internal static void Expect(PbmArguments a, int min, int max = 0, string shape = "", params string[] options)
    {
        var command = string.Join(' ', a.Words.Take(2));
        var count = a.Words.Count - 2;
        if (count < min) throw new UsageException($"{command} needs {shape}");
        if (count > Math.Max(min, max)) throw new UsageException($"{command} does not take '{a.Words[2 + Math.Max(min, max)]}'");
        foreach (var o in a.Options.Keys)
            if (!options.Contains(o)) throw new UsageException($"{command} does not take {o}");
    }

    internal static int PositiveInt(PbmArguments a, string option, int fallback) =>
        !a.Options.TryGetValue(option, out var v) ? fallback
        : int.TryParse(v, out var i) && i > 0 ? i
        : throw new UsageException($"{option} needs a positive whole number, not '{v}'");

    internal static string Escape(string s) => Uri.EscapeDataString(s);

    internal static PbmRequest Get(string path, Func<System.Text.Json.JsonElement, IEnumerable<string>> print) => new(HttpMethod.Get, path, print);

    internal static PbmRequest Post(string path, Func<System.Text.Json.JsonElement, IEnumerable<string>> print) => new(HttpMethod.Post, path, print);
}
