using Akka.Configuration;
using Telephony.Actors.Hosting;
using Telephony.Actors.Persistence;

namespace Telephony.Actors.Tests.Persistence;

/// <summary>
/// After a database outage every entity recovers through the snapshot store first. Its circuit breaker must try the
/// database again as soon as the journal's does: with Akka's default for snapshot stores (5 failures, then 60 s open)
/// a queue stayed unrecoverable for a minute after MariaDB was back and its callers went unserved (fleet soak run 13).
/// </summary>
public sealed class CircuitBreakerSettingsTests
{
    [Theory]
    [InlineData(JournalProvider.Sqlite)]
    [InlineData(JournalProvider.MySql)]
    [InlineData(JournalProvider.PostgreSql)]
    public void The_snapshot_store_retries_a_database_that_came_back_as_soon_as_the_journal_does(JournalProvider provider)
    {
        var config = TelephonyHosting.LoadConfig(new TelephonyOptions
        {
            JournalProvider = provider, JournalConnectionString = "Data Source=unused",
            HoconDirectory = Path.Combine(AppContext.BaseDirectory, "hocon"),
        }).WithFallback(Akka.Persistence.Persistence.DefaultConfig());

        // As each plugin reads it: its own section over the persistence extension's fallback for its kind.
        Config Breaker(string plugin, string fallback) =>
            config.GetConfig(plugin).WithFallback(config.GetConfig(fallback)).GetConfig("circuit-breaker");
        var journal = Breaker("akka.persistence.journal.sql", "akka.persistence.journal-plugin-fallback");
        var snapshots = Breaker("akka.persistence.snapshot-store.sql", "akka.persistence.snapshot-store-plugin-fallback");

        Assert.True(snapshots.GetTimeSpan("reset-timeout") <= TimeSpan.FromSeconds(5),
            $"the snapshot store stays open {snapshots.GetTimeSpan("reset-timeout")} after failures");
        Assert.Equal(journal.GetTimeSpan("reset-timeout"), snapshots.GetTimeSpan("reset-timeout"));
        Assert.Equal(journal.GetInt("max-failures"), snapshots.GetInt("max-failures"));
        Assert.True(snapshots.GetTimeSpan("call-timeout") >= TimeSpan.FromSeconds(60), "a load waiting its turn at a takeover is not a failure");
    }
}
