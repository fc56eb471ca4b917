using System.Text.Json;

namespace Telephony.Testing.Fleet;

/// <summary>A client of the management endpoint's <c>/queues</c> and <c>/agents</c> API, as a wallboard would read
/// them: null when the host did not answer (not listening yet, or the entity not recovered within the ask timeout).</summary>
public sealed class QueueHttp(string endpoint) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://{endpoint}/"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The queue's statistics as <c>GET /queues/{name}</c> tells them (TimeSpans left out).</summary>
    public sealed record Statistics(int Offered, int Refused, int Answered, int Completed, int Abandoned, int TimedOut,
        int LeftEmpty, int Dropped, int NoAnswers)
    {
        public int Left => Answered + Abandoned + TimedOut + LeftEmpty + Dropped;

        public override string ToString() =>
            $"offered {Offered}, refused {Refused}, answered {Answered}, completed {Completed}, abandoned {Abandoned}, " +
            $"timed out {TimedOut}, left empty {LeftEmpty}, dropped {Dropped}, no-answers {NoAnswers}";
    }

    /// <param name="Caller">node/Uniqueid, as the queue names a caller.</param>
    public sealed record Caller(string Key, string Phase, string? Agent);

    public sealed record Agent(string Status, string Activity);

    public sealed record Queue(IReadOnlyList<Caller> Waiting, IReadOnlyList<Caller> Connected, Statistics Statistics,
        IReadOnlyDictionary<string, Agent> Agents, string Json)
    {
        public int Available => Agents.Values.Count(a => a.Status == "Available" && a.Activity == "Idle");
    }

    public sealed record AgentInfo(string Id, string Status, string Activity, string State, int Calls, string? ReservationId,
        string? ReservationCaller);

    public async Task<Queue?> QueueAsync(string name)
    {
        var json = await GetAsync($"queues/{Uri.EscapeDataString(name)}");
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var s = root.GetProperty("statistics");
        int I(string p) => s.GetProperty(p).GetInt32();
        var statistics = new Statistics(I("offered"), I("refused"), I("answered"), I("completed"), I("abandoned"), I("timedOut"),
            I("leftEmpty"), I("dropped"), I("noAnswers"));
        var waiting = root.GetProperty("waiting").EnumerateArray()
            .Select(c => new Caller(c.GetProperty("caller").GetString()!, c.GetProperty("phase").GetString()!,
                string.Join(",", c.GetProperty("ringingAgents").EnumerateArray().Select(a => a.GetString()))))
            .ToList();
        var connected = root.GetProperty("connected").EnumerateArray()
            .Select(c => new Caller(c.GetProperty("caller").GetString()!, "Connected", c.GetProperty("agentId").GetString()))
            .ToList();
        var agents = root.GetProperty("agents").EnumerateArray().ToDictionary(a => a.GetProperty("agentId").GetString()!,
            a => new Agent(a.GetProperty("status").GetString()!, a.GetProperty("activity").GetString()!));
        return new Queue(waiting, connected, statistics, agents, json);
    }

    /// <summary><c>GET /agents</c>: every configured agent that answered.</summary>
    public async Task<IReadOnlyList<AgentInfo>?> AgentsAsync()
    {
        var json = await GetAsync("agents");
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("agents").EnumerateArray().Select(a =>
        {
            var held = a.TryGetProperty("reservation", out var reservation) && reservation.ValueKind == JsonValueKind.Object;
            return new AgentInfo(a.GetProperty("agentId").GetString()!, a.GetProperty("status").GetString()!,
                a.GetProperty("activity").GetString()!, a.GetProperty("state").GetString()!, a.GetProperty("calls").GetInt32(),
                held ? reservation.GetProperty("reservationId").GetString() : null,
                held ? reservation.GetProperty("caller").GetString() : null);
        }).ToList();
    }

    public sealed record ActionInfo(string Id, string Action, string Status, string? Key, string? Channel, string? Exten,
        string? Message, string? SentAt, int Attempts, string? QueuedAt);

    /// <summary><c>GET /actions?node=...</c>: the node's actions the host keeps, newest first (up to 1000).</summary>
    public async Task<IReadOnlyList<ActionInfo>> ActionsAsync(string node)
    {
        var json = await GetAsync($"actions?node={Uri.EscapeDataString(node)}&limit=1000");
        if (json is null) return [];
        using var doc = JsonDocument.Parse(json);
        string? S(JsonElement e, string p) => e.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        string? Header(JsonElement e, string name) => e.GetProperty("headers").EnumerateArray()
            .Where(h => string.Equals(S(h, "key") ?? S(h, "Key"), name, StringComparison.OrdinalIgnoreCase))
            .Select(h => S(h, "value") ?? S(h, "Value")).FirstOrDefault();
        return doc.RootElement.GetProperty("actions").EnumerateArray().Select(a => new ActionInfo(S(a, "id")!, S(a, "action")!,
            S(a, "status")!, S(a, "idempotencyKey"), Header(a, "Channel"), Header(a, "Exten"), S(a, "message"), S(a, "sentAt"),
            a.TryGetProperty("attempts", out var n) ? n.GetInt32() : 0, S(a, "queuedAt"))).ToList();
    }

    private async Task<string?> GetAsync(string path)
    {
        try
        {
            using var response = await _http.GetAsync(path);
            return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
