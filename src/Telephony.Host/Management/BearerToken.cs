using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Telephony.Host.Management;

/// <summary>When a token is configured, every request must carry <c>Authorization: Bearer &lt;token&gt;</c>;
/// anything else is answered 401 before it reaches a route.</summary>
public sealed class BearerToken(string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Presented(context.Request.Headers.Authorization.ToString()) is { } presented
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected))
        {
            await next(context);
            return;
        }
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await ManagementResults.Error(StatusCodes.Status401Unauthorized,
            "missing or wrong bearer token (Telephony:Management:Token)").ExecuteAsync(context);
    }

    private static string? Presented(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}
