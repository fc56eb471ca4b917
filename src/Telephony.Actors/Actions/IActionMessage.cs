namespace Telephony.Actors.Actions;

/// <summary>Marks every action-queue message that is persisted or crosses the cluster: bound to
/// <see cref="ActionSerializer"/> in hocon/telephony.conf.</summary>
public interface IActionMessage;
