# The simulated Asterisk servers (src/Telephony.Simulator) as an image, for docker/compose.yaml and demos.
# From the repository root:
#   docker build -f docker/simulator.Dockerfile -t telephony-simulator .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Telephony.Actors.sln ./
COPY src/ src/
RUN dotnet publish src/Telephony.Simulator/Telephony.Simulator.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
COPY --from=build /app /app
# Node i of --nodes N listens on --port + i.
EXPOSE 5038-5041
ENTRYPOINT ["dotnet", "/app/Telephony.Simulator.dll"]
CMD ["--bind", "0.0.0.0", "--port", "5038", "--nodes", "4", "--user", "admin", "--secret", "secret", "--calls-per-second", "5", "--cdr-mappings", "--time-zone", "UTC"]
