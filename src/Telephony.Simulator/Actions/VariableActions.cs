namespace Telephony.Simulator.Actions;

/// <summary>Setvar and Getvar, with the checks and words of Asterisk's action_setvar/action_getvar: a missing
/// channel is "No such channel"; Getvar answers with no Message, just Variable and Value (empty when unset).</summary>
internal static class VariableActions
{
    public static void Register(Dictionary<string, Action<ActionContext>> table)
    {
        table["Setvar"] = Setvar;
        table["Getvar"] = Getvar;
    }

    private static void Setvar(ActionContext c)
    {
        if (string.IsNullOrEmpty(c["Variable"]))
        {
            c.Error("No variable specified");
            return;
        }
        var context = c;
        if (!c.Node.SetVariable(NullIfEmpty(c["Channel"]), c["Variable"]!, c["Value"] ?? "", () => context.Success("Variable Set")))
            c.Error("No such channel");
    }

    private static void Getvar(ActionContext c)
    {
        if (string.IsNullOrEmpty(c["Variable"]))
        {
            c.Error("No variable specified");
            return;
        }
        var (found, value) = c.Node.GetVariable(NullIfEmpty(c["Channel"]), c["Variable"]!);
        if (!found)
        {
            c.Error("No such channel");
            return;
        }
        c.Reply(Reply.Start("Success", c.ActionId).Add("Variable", c["Variable"]!).Add("Value", value).ToArray());
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
