#!/usr/bin/env bash
# Installs Gatehouse as a systemd service on this host (run as root from a built checkout:
# ./mvnw -DskipTests package && sudo systemd/install.sh). Idempotent; keeps an existing config.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$here/sshd-gateway/target/gatehouse.jar"
prefix="${DESTDIR:-}"
[ -f "$jar" ] || { echo "install: $jar missing; run ./mvnw -DskipTests package first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || [ -n "${DESTDIR:-}" ] || { echo "install: run as root" >&2; exit 1; }

install -D -m 0644 "$jar" "$prefix/usr/share/gatehouse/gatehouse.jar"
install -D -m 0755 /dev/stdin "$prefix/usr/bin/gatehouse" <<'SH'
#!/bin/sh
exec java ${GATEHOUSE_JAVA_OPTS:-} -jar /usr/share/gatehouse/gatehouse.jar "$@"
SH
install -D -m 0644 "$here/systemd/gatehouse.service" "$prefix/etc/systemd/system/gatehouse.service"
install -D -m 0644 "$here/systemd/gatehouse.sysusers" "$prefix/usr/lib/sysusers.d/gatehouse.conf"
install -D -m 0644 "$here/systemd/gatehouse.tmpfiles" "$prefix/usr/lib/tmpfiles.d/gatehouse.conf"
install -D -m 0644 "$here/docs/operations.md" "$prefix/usr/share/doc/gatehouse/operations.md"
if [ ! -f "$prefix/etc/gatehouse/gatehouse.yaml" ]; then
  install -D -m 0640 "$here/systemd/gatehouse.yaml" "$prefix/etc/gatehouse/gatehouse.yaml"
fi

if [ -z "${DESTDIR:-}" ]; then
  systemd-sysusers gatehouse.conf
  systemd-tmpfiles --create gatehouse.conf
  chgrp gatehouse /etc/gatehouse/gatehouse.yaml
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    systemctl enable gatehouse.service
    echo "installed; start with: systemctl start gatehouse"
  else
    echo "installed; systemd is not running here, start by hand: sudo -u gatehouse GATEHOUSE_CONFIG=/etc/gatehouse/gatehouse.yaml gatehouse serve"
  fi
  echo "trust line for clients:  gatehouse ca known-hosts"
fi
