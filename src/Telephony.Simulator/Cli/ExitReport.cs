namespace Telephony.Simulator.Cli;

/// <summary>What the simulator process prints per node when it stops: sessions, calls and actions, and with
/// <c>--count-channel-ids</c> the Originates per ChannelId and the peak action rate, so a benchmark run outside the
/// test process still shows whether an Originate was sent twice or a rate limit was exceeded.</summary>
internal static class ExitReport
{
    public static IEnumerable<string> Lines(IEnumerable<SimulatedNode> nodes, bool countChannelIds)
    {
        foreach (var node in nodes)
        {
            yield return $"{node.Name}: {node.Sessions.All.Count} sessions, {node.CallsStarted} calls, actions " +
                         string.Join(", ", node.Actions.Snapshot().OrderBy(a => a.Key).Select(a => $"{a.Key}={a.Value}"));
            if (!countChannelIds) continue;
            yield return $"{node.Name}: Originate {node.OriginatesByChannelId.Summary()}";
            yield return $"{node.Name}: peak {node.ActionRate.PeakPerSecond} actions in 1 s" +
                         (node.ActionRate.PeakWindowEnd is { } end ? $" (window ending {end:O})" : "");
        }
    }
}
