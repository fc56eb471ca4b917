global using Telephony.Testing;
