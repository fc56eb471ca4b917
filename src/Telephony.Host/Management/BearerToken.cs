using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Telephony.Host.Management;

/// <summary>What a request may do: read only, or also act (POST, DELETE: pause an agent, submit an action, leave).</summary>
public enum ManagementRole { Viewer, Operator }

/// <summary>
/// When tokens are configured, every request must carry <c>Authorization: Bearer &lt;token&gt;</c>: the operator's
/// token may do everything, the read-only token only GET and HEAD (anything else is a 403 naming the token it needs);
/// a missing or wrong token is a 401 before any route. Without tokens (loopback only) every request is the operator's.
/// </summary>
public sealed class BearerToken(string operatorToken, string? readOnlyToken = null)
{
    private const string RoleKey = "telephony.role";
    private readonly byte[] _operator = Encoding.UTF8.GetBytes(operatorToken);
    private readonly byte[]? _viewer = readOnlyToken is null ? null : Encoding.UTF8.GetBytes(readOnlyToken);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var role = RoleOf(Presented(context.Request.Headers.Authorization.ToString()));
        if (role is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ManagementResults.Error(StatusCodes.Status401Unauthorized,
                "missing or wrong bearer token (Telephony:Management:Token)").ExecuteAsync(context);
            return;
        }
        if (role == ManagementRole.Viewer && !IsRead(context.Request.Method))
        {
            await ManagementResults.Error(StatusCodes.Status403Forbidden,
                "this token may only read (Telephony:Management:ReadOnlyToken): acting needs the operator's token").ExecuteAsync(context);
            return;
        }
        context.Items[RoleKey] = role;
        await next(context);
    }

    /// <summary>The role the request was let in with (the operator's when no token is configured).</summary>
    public static ManagementRole Role(HttpContext context) =>
        context.Items.TryGetValue(RoleKey, out var role) && role is ManagementRole r ? r : ManagementRole.Operator;

    private ManagementRole? RoleOf(string? presented)
    {
        if (presented is null) return null;
        var bytes = Encoding.UTF8.GetBytes(presented);
        // Both compared in fixed time, whichever matches: the answer's timing tells nothing about either token.
        var isOperator = CryptographicOperations.FixedTimeEquals(bytes, _operator);
        var isViewer = _viewer is not null && CryptographicOperations.FixedTimeEquals(bytes, _viewer);
        return isOperator ? ManagementRole.Operator : isViewer ? ManagementRole.Viewer : null;
    }

    private static bool IsRead(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method);

    private static string? Presented(string header) =>
        header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
}
