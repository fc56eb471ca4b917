#!/usr/bin/env bash
# Makes a development CA and one certificate per member for cluster TLS (README, "Cluster traffic over TLS").
#   scripts/dev-certs.sh <folder> <member> [<member> ...]
# writes <folder>/ca.pem (give it to every member as Telephony:Cluster:Tls:CaCertificate), <folder>/ca.key (keep it
# away from the members: whoever holds it can let anything join), and <folder>/<member>.pfx per member (its
# certificate and key, Telephony:Cluster:Tls:Certificate) with the password in <folder>/<member>.password.
# Development only: keys are unencrypted on disk and the CA lives for two years. Production: your own PKI.
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 <folder> <member> [<member> ...]" >&2; exit 2; fi
out="$1"; shift
mkdir -p "$out"
umask 077
if [ ! -f "$out/ca.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 730 -subj "/CN=Telephony.Actors development CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$out/ca.key" -out "$out/ca.pem" 2>/dev/null
fi
for member in "$@"; do
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$member" -keyout "$out/$member.key" -out "$out/$member.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s\n' "$member" >"$out/$member.ext"
  openssl x509 -req -in "$out/$member.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" -CAcreateserial -days 365 -sha256 \
    -extfile "$out/$member.ext" -out "$out/$member.pem" 2>/dev/null
  password="$(openssl rand -hex 16)"
  printf '%s\n' "$password" >"$out/$member.password"
  openssl pkcs12 -export -inkey "$out/$member.key" -in "$out/$member.pem" -certfile "$out/ca.pem" -passout "pass:$password" \
    -out "$out/$member.pfx"
  rm -f "$out/$member.csr" "$out/$member.ext" "$out/$member.key"
  echo "$out/$member.pfx (password in $out/$member.password)"
done
chmod 644 "$out/ca.pem"
