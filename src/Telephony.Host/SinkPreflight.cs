using Telephony.Actors.Persistence;
using Telephony.Billing.Hosting;

namespace Telephony.Host;

/// <summary>Opens every billing sink's database once before the service starts: a wrong connection string is a
/// configuration error naming its key, not a projection that backs off forever.</summary>
public static class SinkPreflight
{
    public static async Task CheckAsync(BillingOptions billing)
    {
        for (var i = 0; i < billing.Sinks.Count; i++)
        {
            var sink = billing.Sinks[i];
            var provider = sink.Kind == BillingSinkKind.MySql ? JournalProvider.MySql : JournalProvider.Sqlite;
            try
            {
                await using var connection = JournalSchema.Open(provider, sink.ConnectionString);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await connection.OpenAsync(timeout.Token);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or ArgumentException or InvalidOperationException or OperationCanceledException)
            {
                throw new ConfigurationError($"Telephony:Billing:Sinks:{i}:ConnectionString",
                    $"cannot open billing sink '{sink.Name}': {e.Message}");
            }
        }
    }
}
