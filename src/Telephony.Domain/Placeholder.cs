namespace Telephony.Domain; internal static class Placeholder {}
