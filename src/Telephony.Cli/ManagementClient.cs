using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Telephony.Cli;

/// <summary>The endpoint could not be reached, refused the request or failed it: one line, exit code 1 — or 2 when
/// the endpoint found the arguments bad (400), like a usage error found before sending.</summary>
public sealed class PbmFailure(string message, int exitCode = 1) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

/// <summary>One request to a host's management endpoint; every way it can fail becomes a <see cref="PbmFailure"/>
/// with the endpoint's own one-line reason when it gave one.</summary>
public sealed class ManagementClient(Uri endpoint, string? token, TimeSpan timeout) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = endpoint, Timeout = timeout };

    public async Task<string> SendAsync(HttpMethod method, string path, string? jsonBody = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (jsonBody is not null) request.Content = new StringContent(jsonBody, System.Text.Encoding.UTF8, "application/json");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request);
        }
        catch (HttpRequestException e)
        {
            var reason = e.InnerException is SocketException s ? s.Message : e.Message;
            throw new PbmFailure($"cannot reach the management endpoint at {Authority}: {reason}");
        }
        catch (TaskCanceledException)
        {
            throw new PbmFailure($"no answer from the management endpoint at {Authority} within {timeout.TotalSeconds:0}s");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode) return body;
            var reason = ErrorOf(body) ?? response.ReasonPhrase ?? "failed";
            throw response.StatusCode switch
            {
                HttpStatusCode.Unauthorized => new PbmFailure($"{Authority} refused the request (401): {reason}; pass --token or set PBM_TOKEN"),
                HttpStatusCode.BadRequest => new PbmFailure($"{Authority} rejected the arguments: {reason}", exitCode: 2),
                _ => new PbmFailure($"{Authority} answered {(int)response.StatusCode}: {reason}"),
            };
        }
    }

    private string Authority => endpoint.Authority;

    private static string? ErrorOf(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
