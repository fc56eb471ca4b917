using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Telephony.Host.Tests.Actions;

/// <summary>A client of the management endpoint's <c>/actions</c> API, as a dialer or CRM would use it.</summary>
internal sealed class ActionHttp(string endpoint) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://{endpoint}/"), Timeout = TimeSpan.FromSeconds(30) };

    public sealed record Action(string Id, string Status, string? ChannelId, string? SentAt, string? Message, string? IdempotencyKey);

    /// <summary>Submits an Originate as a careful client does: a 503 (the queue did not answer in time) is retried with
    /// the same idempotency key for up to <paramref name="retryFor"/>. Null when the host did not answer at all.</summary>
    public async Task<Action?> OriginateAsync(string node, string channel, string key, bool tolerateDeath, TimeSpan retryFor = default)
    {
        var deadline = DateTime.UtcNow + retryFor;
        while (true)
        {
            var (action, busy) = await TryOriginateAsync(node, channel, key, tolerateDeath || DateTime.UtcNow < deadline);
            if (!busy || DateTime.UtcNow >= deadline) return action;
            await Task.Delay(1000);
        }
    }

    private async Task<(Action? Action, bool Busy)> TryOriginateAsync(string node, string channel, string key, bool tolerate503)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync("actions", new
            {
                node,
                action = "Originate",
                headers = new Dictionary<string, string> { ["Channel"] = channel, ["Context"] = "hold", ["Exten"] = "s", ["Priority"] = "1" },
                idempotencyKey = key,
            });
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && tolerate503) return (null, true);
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw new InvalidOperationException($"POST /actions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (Read(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement), false);
        }
        catch (HttpRequestException)
        {
            return (null, false);
        }
        catch (TaskCanceledException)
        {
            return (null, false);
        }
        catch (IOException)
        {
            // The host died while its answer was being read ("Transport endpoint is not connected"): as unsure as a
            // refused connection, and retried the same way.
            return (null, false);
        }
    }

    public async Task<IReadOnlyList<Action>> ListAsync(string node, int limit)
    {
        using var doc = JsonDocument.Parse(await _http.GetStringAsync($"actions?node={Uri.EscapeDataString(node)}&limit={limit}"));
        return doc.RootElement.GetProperty("actions").EnumerateArray().Select(Read).ToList();
    }

    private static Action Read(JsonElement e) => new(
        e.GetProperty("id").GetString()!,
        e.GetProperty("status").ValueKind == JsonValueKind.Number ? ((Telephony.Domain.Actions.ActionStatus)e.GetProperty("status").GetInt32()).ToString() : e.GetProperty("status").GetString()!,
        Text(e, "channelId"), Text(e, "sentAt"), Text(e, "message"), Text(e, "idempotencyKey"));

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

    public void Dispose() => _http.Dispose();
}
