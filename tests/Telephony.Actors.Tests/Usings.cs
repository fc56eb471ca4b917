global using Microsoft.Extensions.DependencyInjection;
global using Telephony.Testing;
