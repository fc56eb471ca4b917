using System.Globalization;
using Telephony.Simulator.Nodes;

namespace Telephony.Testing.Fleet;

/// <summary>What a simulated Asterisk's session history says about the cluster's AMI sessions.</summary>
public static class AmiSessions
{
    /// <summary>The most sessions of <paramref name="user"/> logged in receiving events at the same moment from
    /// <paramref name="since"/> on (a session open at that moment counts from it): members owning the node. A login
    /// with <c>Events: off</c> (a starting member's check of its credentials, logged off at once) does not count.</summary>
    public static int MaxConcurrentLoggedInSince(SessionHistory history, string user, DateTimeOffset since)
    {
        var points = new List<(DateTimeOffset At, int Delta)>();
        foreach (var r in history.All.Where(r => r.Username == user && r.LoggedInAt is not null && r.EventsAtLogin))
        {
            if (r.EndedAt is { } end && end <= since) continue;
            points.Add((r.LoggedInAt!.Value < since ? since : r.LoggedInAt.Value, +1));
            if (r.EndedAt is { } e) points.Add((e, -1));
        }
        var max = 0;
        var current = 0;
        foreach (var (_, delta) in points.OrderBy(p => p.At).ThenBy(p => p.Delta))
            max = Math.Max(max, current += delta);
        return max;
    }

    /// <summary>The longest time two event-receiving sessions of <paramref name="user"/> were logged in at once from
    /// <paramref name="since"/> on: a planned hand-over's overlap (the next owner logs in before the previous one logs
    /// off, about a second), never a second cluster's (which would last until someone noticed).</summary>
    public static TimeSpan LongestOverlapSince(SessionHistory history, string user, DateTimeOffset since, DateTimeOffset now)
    {
        var sessions = history.All.Where(r => r.Username == user && r.LoggedInAt is not null && r.EventsAtLogin)
            .Select(r => (From: r.LoggedInAt!.Value < since ? since : r.LoggedInAt.Value, To: r.EndedAt ?? now))
            .Where(r => r.To > since).ToList();
        var longest = TimeSpan.Zero;
        for (var i = 0; i < sessions.Count; i++)
        for (var j = i + 1; j < sessions.Count; j++)
        {
            var from = sessions[i].From > sessions[j].From ? sessions[i].From : sessions[j].From;
            var to = sessions[i].To < sessions[j].To ? sessions[i].To : sessions[j].To;
            if (to - from > longest) longest = to - from;
        }
        return longest;
    }

    /// <summary>The periods during which a session of <paramref name="user"/> was logged in (overlapping ones merged;
    /// one still open ends at <paramref name="now"/>). Events outside them were sent to nobody.</summary>
    public static List<(DateTimeOffset From, DateTimeOffset To)> Observed(SessionHistory history, string user, DateTimeOffset now)
    {
        var merged = new List<(DateTimeOffset From, DateTimeOffset To)>();
        foreach (var (from, to) in history.All.Where(r => r.Username == user && r.LoggedInAt is not null)
                     .Select(r => (From: r.LoggedInAt!.Value, To: r.EndedAt ?? now)).OrderBy(i => i.From))
        {
            if (merged.Count > 0 && from <= merged[^1].To) merged[^1] = (merged[^1].From, to > merged[^1].To ? to : merged[^1].To);
            else merged.Add((from, to));
        }
        return merged;
    }

    /// <summary>
    /// True when a call ran well inside one observed period: it started at least <paramref name="before"/> after a
    /// session logged in and ended at least <paramref name="after"/> before that session (or its successor) went
    /// away. Asterisk sends events only to logged-in sessions and never replays them, and a member that dies or hands
    /// a node over drops what it had read but not yet journaled (its last seconds); that window is a journaled gap,
    /// not a loss this test could catch. Every other call must be billed exactly.
    /// </summary>
    public static bool FullyObserved(DrivenCall call, IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> observed,
        TimeSpan before, TimeSpan after) =>
        call.EndedAt is { } ended && observed.Any(o => o.From + before <= call.StartedAt && ended + after <= o.To);

    /// <summary>
    /// Which process holds each open loopback TCP connection to <paramref name="serverPort"/> (client port → pid), read
    /// from /proc: the simulator sees a session's remote end point, the kernel knows whose socket it is.
    /// </summary>
    public static Dictionary<int, int> ClientPortOwners(int serverPort, IEnumerable<int> pids)
    {
        var inodeToClientPort = new Dictionary<string, int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 10) continue;
                var local = Port(f[1]);
                var remote = Port(f[2]);
                if (remote == serverPort) inodeToClientPort[f[9]] = local;
            }
        }
        var owners = new Dictionary<int, int>();
        foreach (var pid in pids)
        {
            string[] fds;
            try
            {
                fds = Directory.GetFiles($"/proc/{pid}/fd");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // exited
            }
            foreach (var fd in fds)
            {
                string? target;
                try
                {
                    target = new FileInfo(fd).LinkTarget;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue;
                }
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) &&
                    inodeToClientPort.TryGetValue(target[8..^1], out var port))
                    owners[port] = pid;
            }
        }
        return owners;
    }

    private static int Port(string hexEndPoint) =>
        int.Parse(hexEndPoint[(hexEndPoint.LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
