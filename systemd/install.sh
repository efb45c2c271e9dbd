#!/usr/bin/env bash
# Installs Gatehouse as a systemd service on this host. Run as root from an unpacked release
# (tar xzf gatehouse-VERSION.tar.gz && sudo gatehouse-VERSION/systemd/install.sh), or from a
# source checkout after ./mvnw package. Idempotent; keeps an existing config. DESTDIR=DIR stages
# every file under DIR instead (no accounts, no systemctl).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="${DESTDIR:-}"
# The release keeps the jar in lib/; a checkout builds it into sshd-gateway/target/.
jar="$here/lib/gatehouse.jar"
[ -f "$jar" ] || jar="$here/sshd-gateway/target/gatehouse.jar"
[ -f "$jar" ] || { echo "install: no gatehouse.jar in $here/lib or $here/sshd-gateway/target (in a checkout, run ./mvnw -Dmaven.test.skip=true package first)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || [ -n "${DESTDIR:-}" ] || { echo "install: run as root" >&2; exit 1; }

install -D -m 0644 "$jar" "$prefix/usr/share/gatehouse/gatehouse.jar"
install -D -m 0755 /dev/stdin "$prefix/usr/bin/gatehouse" <<'SH'
#!/bin/sh
exec java ${GATEHOUSE_JAVA_OPTS:-} -jar /usr/share/gatehouse/gatehouse.jar "$@"
SH
install -D -m 0644 "$here/systemd/gatehouse.service" "$prefix/etc/systemd/system/gatehouse.service"
install -D -m 0644 "$here/systemd/gatehouse.sysusers" "$prefix/usr/lib/sysusers.d/gatehouse.conf"
install -D -m 0644 "$here/systemd/gatehouse.tmpfiles" "$prefix/usr/lib/tmpfiles.d/gatehouse.conf"
for doc in "$here"/docs/*.md "$here/LICENSE" "$here/README.md"; do
  if [ -f "$doc" ]; then
    install -D -m 0644 "$doc" "$prefix/usr/share/doc/gatehouse/${doc##*/}"
  fi
done
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
