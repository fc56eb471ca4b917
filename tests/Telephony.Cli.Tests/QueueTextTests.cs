using System.Text.Json;

namespace Telephony.Cli.Tests;

/// <summary>How the endpoint's answers about queues and agents read as text (fixtures: Fixtures/queues/*.json, the
/// JSON the endpoint writes) — with answered, abandoned and connected calls, which a demo host cannot make.</summary>
public class QueueTextTests
{
    private static JsonElement Fixture(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "queues", name))).RootElement;

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void Queue_show_prints_the_line_the_connected_calls_the_agents_and_the_statistics_with_SL_as_percentages()
    {
        var lines = QueueText.Show(Fixture("queue-show.json")).ToList();

        Assert.Equal(
        [
            "Queue:         sales",
            "Strategy:      RingAll",
            "Connect:       Redirect",
            "Waiting:       2 (longest 1m15s)",
            "Connected:     1",
            "Agents:        2 logged in, 0 available, 2 members",
            "Service level: SL 87.5%, SL2 83.8%",
            "Waiting callers:",
            "  POS  CALLER               CHANNEL             CALLER ID         PRIO  WAIT   PHASE    RINGING",
            "  1    pbx-a/1700000000.42  PJSIP/100-0000002a  Bob <0201234567>  5     1m15s  Ringing  1001,1002",
            "  2    pbx-b/1700000000.7   SIP/trunk-00000007  -                 0     15s    Waiting  -",
            "Connected calls:",
            "  CALLER               CHANNEL             AGENT  AGENT NODE  WAITED  CONNECTED AT",
            "  pbx-a/1700000000.30  PJSIP/101-0000001e  1003   pbx-a       12s     2025-06-01 08:58:30Z",
            "Agents:",
            "  AGENT  NAME   PENALTY  STATUS           ACTIVITY  NODE   CALLS  TALK",
            "  1001   Alice  0        Available        Ringing   pbx-a  12     1h02m",
            "  1004   -      1        OnBreak (lunch)  Delayed   pbx-b  0      0s",
            "Statistics:",
            "  Offered:          40",
            "  Answered:         32",
            "  Abandoned:        5",
            "  Timed out:        1 (overflowed 1, broken out 0)",
            "  Refused:          2",
            "  Left empty:       0",
            "  Dropped:          0",
            "  No answers:       4",
            "  SL:               87.5% (28 answered within the threshold)",
            "  SL2:              83.8% (abandons within the threshold counted as served)",
            "  Avg wait:         15s",
            "  Avg abandon wait: 20s",
            "  Avg talk:         5m00s",
        ], lines);
    }

    [Fact]
    public void Queue_list_is_a_table_then_the_queues_that_did_not_answer_and_the_count()
    {
        var lines = QueueText.List(Parse("""
            {"queues": [{"queue": "sales", "strategy": "RingAll", "waiting": 2, "connected": 1, "longestWaitSeconds": 75.25,
                         "serviceLevel": 0.875, "agentsLoggedIn": 2, "agentsAvailable": 0},
                        {"queue": "support", "strategy": "LongestIdle", "waiting": 0, "connected": 0, "longestWaitSeconds": 0,
                         "serviceLevel": null, "agentsLoggedIn": 0, "agentsAvailable": 0}],
             "unanswered": [{"queue": "vip", "error": "no answer within 5s"}]}
            """)).ToList();

        Assert.Equal(
        [
            "QUEUE    STRATEGY     WAITING  CONNECTED  LONGEST WAIT  SL     LOGGED IN  AVAILABLE",
            "sales    RingAll      2        1          1m15s         87.5%  2          0",
            "support  LongestIdle  0        0          0s            -      0          0",
            "vip: no answer within 5s",
            "Count: 2 queues",
        ], lines);
    }

    [Fact]
    public void Agent_show_and_list_print_the_current_call_the_queues_with_penalties_and_the_time_in_state()
    {
        var agent = Parse("""
            {"agentId": "1001", "name": "Alice", "node": "pbx-a", "extension": "1001", "status": "Available", "breakReason": null,
             "activity": "OnCall", "state": "OnCall",
             "reservation": {"reservationId": "r-1", "queue": "sales", "caller": "pbx-a/1700000000.42",
                             "grantedAt": "2025-06-01T09:00:00+00:00", "deadline": "2025-06-01T09:00:30+00:00", "answeredAt": "2025-06-01T09:00:05+00:00"},
             "queues": {"support": 1, "sales": 0}, "calls": 12, "talkSeconds": 3725.5, "noAnswers": 2, "consecutiveNoAnswers": 0,
             "phoneInUse": true, "availableFrom": null, "secondsInState": {"Idle": 4000.2, "OnCall": 125.7}}
            """);

        Assert.Equal(
        [
            "Agent:         1001",
            "Name:          Alice",
            "Node:          pbx-a",
            "Extension:     1001",
            "Status:        Available",
            "Activity:      OnCall",
            "State:         OnCall (2m05s in it)",
            "Current call:  sales pbx-a/1700000000.42 (answered)",
            "Queues:        sales:0,support:1",
            "Calls:         12",
            "Talk time:     1h02m",
            "No answers:    2 (0 in a row)",
            "Phone in use:  yes",
            "Time in state:",
            "  Idle:        1h06m",
            "  OnCall:      2m05s",
        ], AgentText.Show(agent).ToList());
        var list = AgentText.List(Parse($$"""{"agents": [{{agent.GetRawText()}}], "unanswered": [{"agent": "1002", "error": "no answer within 5s"}]}""")).ToList();
        Assert.Equal(
        [
            "AGENT  NAME   NODE   STATUS     STATE   IN STATE  CALLS  CURRENT CALL                          QUEUES",
            "1001   Alice  pbx-a  Available  OnCall  2m05s     12     sales pbx-a/1700000000.42 (answered)  sales:0,support:1",
            "1002: no answer within 5s",
            "Count: 1 agents",
        ], list);
    }
}
