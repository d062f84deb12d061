#!/usr/bin/env bash
# Lints docker/Dockerfile with dockerfile-utils (installed by
# tests/ops/setup) and checks what the image must have: two stages on
# debian:bookworm-slim, only runtime libraries in the last, a non-root
# USER, a VOLUME for the store, EXPOSE, a HEALTHCHECK without curl and
# exec-form ENTRYPOINT/CMD.  The linter never fails by itself (it prints
# its findings), so any finding at all fails here.
set -uo pipefail
dockerfile=${1:?usage: dockerfile_lint.sh DOCKERFILE}
here=$(cd "$(dirname "$0")" && pwd)
fail=0
bad() { echo "FAIL: $*"; fail=1; }

if [ ! -d "$here/node_modules/dockerfile-utils" ]; then
	echo "FAIL: dockerfile-utils is not installed (run tests/ops/setup)"
	exit 1
fi
found=$(node "$here/dockerfile_lint.js" "$dockerfile") || bad "the linter did not run"
if [ "$found" != "[]" ]; then
	bad "dockerfile-utils found problems:"
	echo "$found"
fi

# One logical line per instruction (continuations joined).
lines=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$dockerfile" | grep -v '^[[:space:]]*#' | tr -s ' \t' ' ')
froms=$(grep -c '^FROM debian:bookworm-slim' <<<"$lines")
[ "$froms" -eq 2 ] || bad "want two stages FROM debian:bookworm-slim, got $froms"
grep -q '^FROM debian:bookworm-slim AS build$' <<<"$lines" || bad "the first stage is not 'AS build'"
# The last stage: everything after the second FROM.
runtime=$(awk '/^FROM /{n++} n==2' <<<"$lines")
grep -q -- '-dev\b' <<<"$runtime" && bad "the runtime stage installs -dev packages"
for pkg in libmicrohttpd12 libjansson4 libsqlite3-0; do
	grep -q "apt-get install.* $pkg\b" <<<"$runtime" || bad "the runtime stage lacks $pkg"
done
grep -Eq 'apt-get install.* (gcc|meson|ninja-build|curl|wget)\b' <<<"$runtime" &&
	bad "the runtime stage installs build tools or curl"
user=$(grep '^USER ' <<<"$runtime" | tail -1 | cut -d' ' -f2)
case "$user" in
"" | root | 0 | root:* | 0:*) bad "the runtime stage does not switch to a non-root USER ($user)" ;;
esac
grep -Eq '^VOLUME \[?"?/data"?\]?$' <<<"$runtime" || bad "no VOLUME /data"
grep -q '^EXPOSE 8080$' <<<"$runtime" || bad "no EXPOSE 8080"
grep -q 'CLAIMLINE_DB=/data/claimline.db' <<<"$runtime" || bad "CLAIMLINE_DB is not on the volume"
grep -q 'CLAIMLINE_BIND=0.0.0.0' <<<"$runtime" || bad "CLAIMLINE_BIND is not 0.0.0.0"
grep -Eq '^HEALTHCHECK .*CMD \["claimline", ?"healthcheck"\]$' <<<"$runtime" || bad "no HEALTHCHECK CMD [\"claimline\", \"healthcheck\"]"
grep -q '^ENTRYPOINT \["claimline"\]$' <<<"$runtime" || bad "no exec-form ENTRYPOINT [\"claimline\"]"
grep -q '^CMD \["serve"\]$' <<<"$runtime" || bad "no CMD [\"serve\"]"

[ $fail -eq 0 ] && echo "ok: docker/Dockerfile"
exit $fail
