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
            if (sink.Kind == BillingSinkKind.Jsonl)
            {
                CheckFolder(sink.ConnectionString, i);
                continue;
            }
            if (sink.Kind == BillingSinkKind.Beanstalkd)
            {
                await CheckServerAsync(sink, i);
                continue;
            }
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

    private static void CheckFolder(string folder, int index)
    {
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, ".write-probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationError($"Telephony:Billing:Sinks:{index}:ConnectionString", $"cannot write to folder '{folder}': {e.Message}");
        }
    }

    /// <summary>beanstalkd may be restarting: an unreachable server is not fatal (the projection backs off), but a
    /// malformed address is.</summary>
    private static async Task CheckServerAsync(BillingSinkOptions sink, int index)
    {
        var parts = sink.ConnectionString.Split(':', 2);
        var port = parts.Length == 2 && int.TryParse(parts[1], out var p) ? p : 11300;
        try
        {
            using var client = new System.Net.Sockets.TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await client.ConnectAsync(parts[0], port, timeout.Token);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
        {
            Console.Error.WriteLine($"telephony: warning: beanstalkd sink '{sink.Name}' at {sink.ConnectionString} " +
                                    $"(Telephony:Billing:Sinks:{index}:ConnectionString) is not reachable yet: {e.Message}; the projection will retry");
        }
    }
}
