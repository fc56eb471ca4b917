using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telephony.Cli.Tests;

/// <summary>How the endpoint's answers about actions read as text (fixtures: Fixtures/actions/*.json, the JSON the
/// endpoint writes).</summary>
public class ActionTextTests
{
    private static JsonElement Fixture(string name) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "actions", name))).RootElement;

    private static JsonElement With(string fixture, string property, JsonNode? value)
    {
        var node = JsonNode.Parse(Fixture(fixture).GetRawText())!.AsObject();
        node[property] = value;
        return JsonDocument.Parse(node.ToJsonString()).RootElement;
    }

    [Fact]
    public void Show_of_an_answered_and_ended_originate_prints_its_life_its_channel_and_its_headers()
    {
        var lines = ActionText.Show(Fixture("originate-ended.json")).ToList();

        Assert.Equal(
        [
            "Id:              pbx-a:17",
            "Node:            pbx-a",
            "Action:          Originate",
            "Status:          Ended",
            "Queue priority:  6",
            "Idempotency key: crm-4711",
            "Queued:          2025-06-01 09:00:00.125Z",
            "Sent:            2025-06-01 09:00:00.130Z",
            "Responded:       2025-06-01 09:00:00.141Z",
            "Up:              2025-06-01 09:00:06.500Z",
            "Ended:           2025-06-01 09:01:48.700Z",
            "Attempts:        1",
            "Message:         Originate successfully queued",
            "Reason:          answered",
            "ChannelId:       pbx-a-17-5f0c1d",
            "Channel:         PJSIP/100-0000002a",
            "Uniqueid:        pbx-a-17-5f0c1d",
            "LinkedID:        pbx-a-17-5f0c1d",
            "Hangup cause:    16",
            "Duration:        102.2 s",
            "Headers:",
            "  Channel: PJSIP/100",
            "  Context: from-crm",
            "  Exten: 0612345678",
            "  Priority: 1",
            "  CallerID: Sales <0201234567>",
            "  Variable: CRM_TICKET=4711",
            "  Variable: CRM_AGENT=jane",
            "  Async: true",
            "  ChannelId: pbx-a-17-5f0c1d",
        ], lines);
    }

    [Fact]
    public void A_value_holding_a_line_break_is_shown_on_one_line()
    {
        var lines = ActionText.Show(With("originate-ended.json", "message", "Permission denied\r\nAction: Command")).ToList();

        Assert.Contains("Message:         Permission denied  Action: Command", lines);
    }

    [Fact]
    public void List_is_a_table_newest_first_then_the_queues_that_did_not_answer_and_the_counts()
    {
        var lines = ActionText.List(Fixture("list-two-nodes.json")).ToList();

        Assert.Equal(
        [
            "ID        NODE   ACTION     STATUS  QUEUED          SENT            CHANNEL             MESSAGE",
            "pbx-b:3   pbx-b  Hangup     Queued  06-01 09:02:00  -               SIP/trunk-00000011  -",
            "pbx-a:18  pbx-a  Originate  Failed  06-01 09:01:00  06-01 09:01:00  PJSIP/101           Originate successfully queued; busy",
            "pbx-a:17  pbx-a  Originate  Ended   06-01 09:00:00  06-01 09:00:00  PJSIP/100-0000002a  Originate successfully queued; answered; cause 16",
            "pbx-c: no answer within 5s",
            "Count: 3 shown; held by the queues: Queued 1, Failed 1, Ended 12",
        ], lines);
    }

    [Fact]
    public void An_empty_list_says_so()
    {
        var empty = JsonDocument.Parse("""{"actions": [], "counts": {}, "unanswered": []}""").RootElement;

        Assert.Equal(["no actions", "Count: 0 shown; held by the queues: none"], ActionText.List(empty));
    }

    [Fact]
    public void A_submission_is_one_line_with_the_id_to_follow_and_a_repeated_key_says_it_found_the_first()
    {
        var queued = With("originate-ended.json", "status", "Queued");
        var existing = With("originate-ended.json", "existing", true);

        Assert.Equal("Accepted pbx-a:17 (Originate on pbx-a): Queued, queue priority 6, ChannelId pbx-a-17-5f0c1d",
            Assert.Single(ActionText.Submitted(queued)));
        Assert.Equal("Already submitted with idempotency key crm-4711: pbx-a:17 (Originate on pbx-a): Ended, queue priority 6, ChannelId pbx-a-17-5f0c1d",
            Assert.Single(ActionText.Submitted(existing)));
    }

    [Fact]
    public void A_cancel_names_the_action_and_when_it_was_queued()
    {
        Assert.Equal("Cancelled pbx-a:17 (Originate on pbx-a, queued 2025-06-01 09:00:00.125Z)",
            Assert.Single(ActionText.Cancelled(With("originate-ended.json", "status", "Cancelled"))));
    }

    [Fact]
    public void Node_show_adds_the_action_queue_by_status_or_why_it_has_none()
    {
        var counted = JsonDocument.Parse("""{"node": "pbx-a", "actions": {"Queued": 2, "Up": 1, "Ended": 40}}""").RootElement;
        var silent = JsonDocument.Parse("""{"node": "pbx-a", "actionsError": "the action queue did not answer within 3s"}""").RootElement;
        var empty = JsonDocument.Parse("""{"node": "pbx-a", "actions": {}}""").RootElement;

        Assert.Contains("Actions:                 Queued 2, Up 1, Ended 40", NodeText.Show(counted));
        Assert.Contains("Actions:                 the action queue did not answer within 3s", NodeText.Show(silent));
        Assert.Contains("Actions:                 none", NodeText.Show(empty));
    }
}
