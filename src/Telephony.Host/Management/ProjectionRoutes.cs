using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Telephony.Host.Management;

/// <summary><c>pbm projection list|rebuild</c>: reserved until the billing projections (src/Telephony.Billing) are
/// wired into the host; answered 501 so a caller learns why, not a bare 404.</summary>
public static class ProjectionRoutes
{
    private const string NotYet = "projections are not wired into this host yet (Telephony.Billing)";

    public static void MapProjectionRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/projections", () => ManagementResults.Error(StatusCodes.Status501NotImplemented, NotYet));
        app.MapPost("/projections/{name}/rebuild", (string name) => ManagementResults.Error(StatusCodes.Status501NotImplemented, NotYet));
    }
}
