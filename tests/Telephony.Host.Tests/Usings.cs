global using Telephony.Testing;
global using Telephony.Testing.Fleet;
