namespace Telephony.Billing.Tests;

internal static class Wait
{
    public static async Task Until(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out after {seconds}s waiting until {what}");
    }

    public static Task Until(Func<bool> condition, string what, int seconds = 30) =>
        Until(() => Task.FromResult(condition()), what, seconds);
}
