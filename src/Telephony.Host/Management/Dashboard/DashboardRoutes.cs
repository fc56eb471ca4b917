using System.Reflection;
using Akka.Actor;
using Akka.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Telephony.Host.Management.Dashboard;

/// <summary>
/// The live dashboard at <c>/</c>: one page and its script and style, built into the host (nothing from a CDN). The
/// page carries no data, so it is served without a token; everything it shows it reads from the endpoint's JSON
/// routes with the token the user signs in with, and <c>/session</c> tells it whether that token may act.
/// </summary>
public static class DashboardRoutes
{
    public sealed record SessionView(string Role, string Member, bool TokenRequired);

    private static readonly Dictionary<string, (byte[] Bytes, string Type)> Files = Load();

    /// <summary>The page and its assets need no token (they hold no data; a browser cannot send one on navigation).</summary>
    public static bool IsPublic(PathString path) => path == "/" || path.StartsWithSegments("/ui");

    public static void MapDashboardRoutes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Serve("index.html"));
        app.MapGet("/ui/{file}", (string file) => Serve(file));
        app.MapGet("/session", (HttpContext context, ActorSystem system, ManagementSettings settings) =>
            new SessionView(BearerToken.Role(context).ToString(), Cluster.Get(system).SelfAddress.ToString(), settings.Token is not null));
    }

    private static IResult Serve(string file) =>
        Files.TryGetValue(file, out var f)
            ? Results.Bytes(f.Bytes, f.Type)
            : ManagementResults.NotFound($"no dashboard file '{file}'");

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(DashboardRoutes).Assembly;
        const string prefix = "dashboard/";
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var file = name[prefix.Length..];
            files[file] = (copy.ToArray(), Path.GetExtension(file) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            });
        }
        return files;
    }
}
