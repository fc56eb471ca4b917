namespace Telephony.Domain.Actions;

/// <summary>
/// Checks a request before anything is journaled: names and values that could inject AMI headers (CR, LF, NUL), the
/// allow-list, root-equivalent actions, and the headers each action needs. Every error names its field.
/// </summary>
public static class ActionRequestValidator
{
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase) { "Action", "ActionID" };

    public static IReadOnlyList<ActionRequestError> Validate(ActionRequest request, ActionPolicy policy)
    {
        var errors = new List<ActionRequestError>();
        Text(errors, "node", request.Node, 100, required: true);
        if (string.IsNullOrEmpty(request.Action)) errors.Add(new("action", "is required"));
        else if (request.Action.Length > 64 || !request.Action.All(char.IsAsciiLetterOrDigit))
            errors.Add(new("action", "must be an AMI action name (letters and digits)"));
        if (request.IdempotencyKey is not null) Text(errors, "idempotencyKey", request.IdempotencyKey, 200, required: true);
        if (request.Priority is < 0 or > 9) errors.Add(new("priority", "must be between 0 (first) and 9"));
        if (request.NotBefore is { } nb && request.ExpiresAt is { } ea && ea <= nb)
            errors.Add(new("expiresAt", "must be after notBefore"));
        Headers(errors, request, policy);
        if (errors.Count > 0) return errors;

        if (!policy.Allowed.Contains(request.Action))
            errors.Add(new("action", $"{request.Action} is not in the allow-list (telephony.actions.allow)"));
        else if (RootEquivalent(request) is { } why && !policy.AllowRootEquivalent)
            errors.Add(new(why.Field, $"{why.Message}: root-equivalent on the Asterisk host, refused unless telephony.actions.allow-root-equivalent = on"));
        if (errors.Count > 0) return errors;

        Required(errors, request);
        return errors;
    }

    private static void Headers(List<ActionRequestError> errors, ActionRequest request, ActionPolicy policy)
    {
        if (request.Headers.Count > policy.MaxHeaders)
            errors.Add(new("headers", $"at most {policy.MaxHeaders} headers"));
        foreach (var (key, value) in request.Headers)
        {
            var field = "headers." + Printable(key);
            if (string.IsNullOrEmpty(key) || key.Length > 64 || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                errors.Add(new(field, "a header name is letters, digits, '-' or '_' (at most 64)"));
            else if (ReservedHeaders.Contains(key))
                errors.Add(new(field, "is set by the queue"));
            Text(errors, field, value, policy.MaxValueLength, required: false);
        }
    }

    private static void Text(List<ActionRequestError> errors, string field, string? value, int max, bool required)
    {
        if (string.IsNullOrEmpty(value))
        {
            if (required) errors.Add(new(field, "is required"));
            return;
        }
        if (value.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
            errors.Add(new(field, "contains CR, LF or NUL (would inject AMI headers)"));
        else if (value.Length > max) errors.Add(new(field, $"longer than {max} characters"));
    }

    /// <summary>Why a request is root-equivalent, or null.</summary>
    private static ActionRequestError? RootEquivalent(ActionRequest r)
    {
        if (r.Action.Equals("Command", StringComparison.OrdinalIgnoreCase))
            return new("action", "Command runs any Asterisk CLI command");
        if (ActionKinds.CreatesCall(r.Action) && r["Application"] is { } app &&
            ActionPolicy.RootEquivalentApplications.Contains(app.Trim()))
            return new("headers.Application", $"{app.Trim()} runs programs");
        foreach (var (key, header) in r.Headers)
        {
            var value = header ?? ""; // a JSON null: Text let it pass as empty
            foreach (var function in ActionPolicy.RootEquivalentFunctions)
                if (ContainsFunction(value, function) ||
                    (key.Equals("Variable", StringComparison.OrdinalIgnoreCase) && value.TrimStart().StartsWith(function.TrimEnd('('), StringComparison.OrdinalIgnoreCase)))
                    return new("headers." + key, $"{function.TrimEnd('(', '_')} reads, writes or runs on the host");
        }
        return null;
    }

    /// <summary>Asterisk's ast_true: yes, true, y, t, 1, on.</summary>
    private static bool IsTrue(string value) =>
        value.Trim().ToLowerInvariant() is "yes" or "true" or "y" or "t" or "1" or "on";

    /// <summary>The function's name as a word (start of the value or after a non-letter): <c>${SHELL(id)}</c> is one,
    /// a CallerID of <c>Medieval(Inc)</c> is not.</summary>
    private static bool ContainsFunction(string value, string function)
    {
        for (var at = value.IndexOf(function, StringComparison.OrdinalIgnoreCase); at >= 0;
             at = value.IndexOf(function, at + 1, StringComparison.OrdinalIgnoreCase))
            if (at == 0 || !char.IsLetterOrDigit(value[at - 1])) return true;
        return false;
    }

    private static void Required(List<ActionRequestError> errors, ActionRequest r)
    {
        void Need(string header)
        {
            if (string.IsNullOrWhiteSpace(r[header])) errors.Add(new("headers." + header, $"{r.Action} needs {header}"));
        }
        switch (r.Action.ToLowerInvariant())
        {
            case "originate":
                Need("Channel");
                if (string.IsNullOrWhiteSpace(r["Application"]))
                {
                    Need("Context");
                    Need("Exten");
                }
                if (r["Async"] is { } async && !IsTrue(async))
                    errors.Add(new("headers.Async", "Originate is always sent with Async: true (a synchronous one blocks Asterisk's manager thread)"));
                foreach (var id in new[] { "ChannelId", "OtherChannelId" })
                    if (r[id] is { } v && (v.Length > 64 || !v.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')))
                        errors.Add(new("headers." + id, "letters, digits, '-', '.' or '_' (at most 64)"));
                break;
            case "redirect":
                Need("Channel");
                Need("Context");
                Need("Exten");
                break;
            case "hangup":
            case "atxfer":
            case "blindtransfer":
            case "park":
                Need("Channel");
                break;
            case "bridge":
                Need("Channel1");
                Need("Channel2");
                break;
            case "setvar":
                Need("Variable");
                if (r["Value"] is null) errors.Add(new("headers.Value", "Setvar needs Value (it may be empty)"));
                break;
            case "getvar":
                Need("Variable");
                break;
        }
    }

    private static string Printable(string key) =>
        key.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0 ? key.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\0", "\\0") : key;
}
