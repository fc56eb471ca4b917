namespace Telephony.Actors.Serialization;

/// <summary>Marks every message that is persisted or crosses the cluster: bound to <see cref="TelephonySerializer"/>
/// in hocon/telephony.conf. A type without it fails serialization loudly instead of falling back to JSON.</summary>
public interface ITelephonyMessage;
