using Telephony.Actors.Nodes;
using Telephony.Ami.Client;

namespace Telephony.Host;

/// <summary>
/// Before the service starts, logs in once to every configured Asterisk: a rejected login is a configuration error
/// (wrong user or secret) and stops the service with one line naming the key; an unreachable Asterisk is not (it may
/// be restarting) — the node entity keeps trying. Only the nodes this member may own are tried: an Asterisk of
/// another region never sees a login from here.
/// </summary>
public static class NodePreflight
{
    public static async Task<IReadOnlyList<string>> CheckAsync(HostSettings settings, TimeSpan timeout)
    {
        var warnings = new List<string>();
        var options = settings.Telephony;
        var checks = options.Nodes.Select(async (node, index) =>
        {
            var role = NodeRegions.Role(NodeRegions.Of(node), options.AmiRole);
            if (role is not null && !options.Roles.Contains(role)) return;
            await using var client = new AmiClient(node.ToClientOptions() with
            {
                ConnectTimeout = timeout, LoginTimeout = timeout, EventMask = "off",
                Reconnect = new AmiReconnectPolicy { Enabled = false },
            });
            try
            {
                await client.ConnectAsync();
            }
            catch (AmiAuthenticationException e)
            {
                throw new ConfigurationError($"Telephony:Nodes:{index}:Secret",
                    $"Asterisk at {node.Host}:{node.Port} rejected the login of '{node.Username}' ({e.Message}); check the " +
                    $"user and secret (TELEPHONY__NODES__{index}__USERNAME / __SECRET) against manager.conf");
            }
            catch (AmiException e)
            {
                lock (warnings) warnings.Add($"node {node.Name} ({node.Host}:{node.Port}) is not reachable yet: {e.Message}; it will be retried");
            }
        });
        await Task.WhenAll(checks);
        return warnings;
    }
}
