#!/usr/bin/env bash
# Checks dist/claimline.service with `systemd-analyze verify`, which must
# print nothing at all, and checks that the hardening options are there.
# verify wants the ExecStart binary to exist, so it runs on a temp copy
# whose ExecStart names the binary just built.
set -uo pipefail
unit=${1:?usage: systemd_verify.sh UNIT BINARY}
binary=$(readlink -f "${2:?usage: systemd_verify.sh UNIT BINARY}")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/claimline-unit-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

command -v systemd-analyze >/dev/null || { echo "FAIL: no systemd-analyze (run tests/ops/setup)"; exit 1; }
grep -q '^ExecStart=/usr/local/bin/claimline serve$' "$unit" ||
	bad "ExecStart is not '/usr/local/bin/claimline serve'"
sed "s|^ExecStart=/usr/local/bin/claimline |ExecStart=$binary |" "$unit" >"$tmp/claimline.service"
out=$(cd "$tmp" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify "$tmp/claimline.service" 2>&1)
rc=$?
if [ $rc -ne 0 ] || [ -n "$out" ]; then
	bad "systemd-analyze verify (exit $rc) said:"
	echo "$out"
fi

for want in DynamicUser=yes StateDirectory=claimline NoNewPrivileges=yes \
	ProtectSystem=strict ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
	'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX' \
	SystemCallFilter=@system-service CapabilityBoundingSet= \
	ProtectKernelTunables=yes ProtectControlGroups=yes \
	MemoryDenyWriteExecute=yes KillSignal=SIGTERM \
	Environment=CLAIMLINE_DB=/var/lib/claimline/claimline.db; do
	grep -qx "$want" "$unit" || bad "the unit lacks $want"
done
[ $fail -eq 0 ] && echo "ok: $unit"
exit $fail
