using Microsoft.AspNetCore.Http;

namespace Telephony.Host.Management;

/// <summary>Every failure the endpoint answers is <c>{"error": "one line"}</c> with a fitting status code, so
/// <c>pbm</c> can print it as it is.</summary>
public static class ManagementResults
{
    public sealed record ErrorBody(string Error);

    public static IResult Error(int status, string message) => Results.Json(new ErrorBody(message), statusCode: status);

    public static IResult BadRequest(string message) => Error(StatusCodes.Status400BadRequest, message);

    public static IResult NotFound(string message) => Error(StatusCodes.Status404NotFound, message);

    /// <summary>A 404 naming the configured nodes when <paramref name="node"/> is not one of them, else null.</summary>
    public static IResult? UnknownNode(HostSettings settings, string node) =>
        settings.Telephony.Nodes.Any(n => n.Name == node)
            ? null
            : NotFound($"no node '{node}' is configured (nodes: {string.Join(", ", settings.Telephony.Nodes.Select(n => n.Name))})");
}
