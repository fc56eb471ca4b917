using Telephony.Actors.Persistence;

namespace Telephony.Actors.Tests;

/// <summary>A storm of failed recoveries becomes one whole error and a counted summary per window.</summary>
public sealed class RecoveryFailureDigestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private static readonly Exception Down = new InvalidOperationException("journal down", new TimeoutException("connect timeout"));

    [Fact]
    public void The_first_failure_is_logged_whole_and_the_rest_of_the_window_is_counted_by_kind()
    {
        var digest = new RecoveryFailureDigest(TimeSpan.FromSeconds(10));

        Assert.True(digest.Record("agent/1001", Down, T0));
        for (var i = 0; i < 40; i++) Assert.False(digest.Record($"agent/{2000 + i}", Down, T0.AddSeconds(1)));
        for (var i = 0; i < 7; i++) Assert.False(digest.Record($"call/pbx-1/17964.{i}", Down, T0.AddSeconds(2)));
        Assert.False(digest.Record("node/pbx-1", Down, T0.AddSeconds(3)));

        Assert.Null(digest.Flush(T0.AddSeconds(9)));
        var summary = digest.Flush(T0.AddSeconds(10));
        Assert.Equal("48 more entity recoveries failed in 10 s (agent 40, call 7, node 1), the first with: " +
                     "InvalidOperationException: journal down (TimeoutException: connect timeout); 49 since start. " +
                     "Each entity starts again with its next message.", summary);
        Assert.Equal(49, digest.Total);
    }

    [Fact]
    public void A_failure_alone_in_its_window_leaves_no_summary_and_the_next_one_is_logged_whole_again()
    {
        var digest = new RecoveryFailureDigest(TimeSpan.FromSeconds(10));

        Assert.True(digest.Record("queue/sales", Down, T0));
        Assert.Null(digest.Flush(T0.AddSeconds(11)));
        Assert.True(digest.Record("queue/sales", Down, T0.AddSeconds(12)));
        Assert.Equal(2, digest.Total);
    }

    [Theory]
    [InlineData("agent/4001", "agent")]
    [InlineData("call/pbx-3/1796386166.107", "call")]
    [InlineData("actions/pbx-2", "actions")]
    [InlineData("odd", "odd")]
    public void The_kind_is_what_the_persistence_id_starts_with(string persistenceId, string kind) =>
        Assert.Equal(kind, RecoveryFailureDigest.KindOf(persistenceId));
}
