using Telephony.Ami.Protocol;

namespace Telephony.Ami.Client;

/// <summary>Base of every failure the AMI client reports.</summary>
public class AmiException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The TCP/TLS connection could not be made, or the peer is not an Asterisk manager.</summary>
public sealed class AmiConnectionException(string message, Exception? inner = null) : AmiException(message, inner);

/// <summary>Asterisk rejected the login (wrong user or secret, host not permitted). Asterisk closes the socket; retrying
/// with the same credentials will fail the same way.</summary>
public sealed class AmiAuthenticationException(string message, AmiMessage? response)
    : AmiException(message)
{
    public AmiMessage? Response { get; } = response;
}

/// <summary>An action was offered while no logged-in connection exists. Nothing was written.</summary>
public sealed class AmiNotConnectedException(string message) : AmiException(message);

/// <summary>The connection ended while an action waited for its answer. The action may or may not have run.</summary>
public sealed class AmiConnectionLostException(string message, string? actionId = null, Exception? inner = null)
    : AmiException(message, inner)
{
    public string? ActionId { get; } = actionId;
}

/// <summary>No answer within the action's timeout. The action may still run; its late answer is ignored.</summary>
public sealed class AmiActionTimeoutException(string action, string actionId, TimeSpan timeout)
    : AmiException($"AMI action {action} (ActionID {actionId}) got no answer within {timeout.TotalMilliseconds:0} ms")
{
    public string Action { get; } = action;
    public string ActionId { get; } = actionId;
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>Asterisk answered <c>Response: Error</c> (permission denied, unknown action, bad CLI command, ...).</summary>
public sealed class AmiActionFailedException(string action, AmiMessage response)
    : AmiException($"AMI action {action} failed: {Describe(response)}")
{
    public string Action { get; } = action;
    public AmiMessage Response { get; } = response;

    private static string Describe(AmiMessage response)
    {
        var text = response.MessageText ?? response.ResponseStatus ?? "no message";
        var output = response.OutputLines;
        return output.Count > 0 && !string.Equals(response.MessageText, output[0], StringComparison.Ordinal)
            ? $"{text}: {output[0]}"
            : text;
    }
}
