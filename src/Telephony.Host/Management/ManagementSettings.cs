using System.Net;
using Microsoft.Extensions.Configuration;

namespace Telephony.Host.Management;

/// <summary>Where the management endpoint listens (<c>Telephony:Management:Url</c>, loopback by default) and the
/// bearer tokens it accepts: <c>Telephony:Management:Token</c> (the operator's: reads and acts) and optionally
/// <c>Telephony:Management:ReadOnlyToken</c> (a wallboard's or a supervisor's screen that only watches). Serving it
/// beyond this machine without a token is refused: the endpoint can down members and make the cluster leave.</summary>
public sealed record ManagementSettings
{
    public const string DefaultUrl = "http://127.0.0.1:9110";

    public required string Url { get; init; }
    public string? Token { get; init; }
    public string? ReadOnlyToken { get; init; }

    public static ManagementSettings From(IConfiguration management)
    {
        const string urlKey = "Telephony:Management:Url";
        var text = management["Url"] is { Length: > 0 } u ? u.Trim() : DefaultUrl;
        // Kestrel's wildcards (http://*:9110, http://+:9110) mean every address.
        var parseable = text.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0");
        if (!Uri.TryCreate(parseable, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/")
            throw new ConfigurationError(urlKey, $"'{text}' is not http://address:port (e.g. {DefaultUrl}; https is not served)");
        var token = management["Token"] is { Length: > 0 } t ? t : null;
        if (token is null && !IsLoopback(url))
            throw new ConfigurationError(urlKey,
                $"{text} is not a loopback address: set Telephony:Management:Token (TELEPHONY__MANAGEMENT__TOKEN) to serve the management endpoint beyond this machine");
        var readOnly = management["ReadOnlyToken"] is { Length: > 0 } r ? r : null;
        if (readOnly is not null && token is null)
            throw new ConfigurationError("Telephony:Management:ReadOnlyToken",
                "a read-only token needs an operator token beside it (Telephony:Management:Token): without one every request may act");
        if (readOnly is not null && readOnly == token)
            throw new ConfigurationError("Telephony:Management:ReadOnlyToken", "must differ from Telephony:Management:Token");
        return new ManagementSettings { Url = text, Token = token, ReadOnlyToken = readOnly };
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
}
