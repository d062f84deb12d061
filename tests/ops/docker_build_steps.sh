#!/usr/bin/env bash
# Performs the build stage of docker/Dockerfile on this host, as no Docker
# engine runs here: the packages its apt-get line names must be installed
# (tests/ops/setup installs them), the source is copied as COPY . . would
# copy it (minus .dockerignore), and its meson RUN line runs as written
# with /build and /install moved into a temp dir.  Then the runtime stage
# is checked against the result: the file it copies exists, every library
# the binary links directly comes from a package the runtime stage
# installs (or libc6, which the base image has), and the binary, run as
# the image runs it (CLAIMLINE_* variables, `serve`), passes its own
# `healthcheck` and exits 0 on SIGTERM.
set -uo pipefail
src=${1:?usage: docker_build_steps.sh SOURCE_DIR}
dockerfile=$src/docker/Dockerfile
tmp=$(mktemp -d "${TMPDIR:-/tmp}/claimline-docker-XXXXXX")
server=
cleanup() {
	[ -n "$server" ] && kill "$server" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

lines=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$dockerfile" | grep -v '^[[:space:]]*#' | tr -s ' \t' ' ')
build_stage=$(awk '/^FROM /{n++} n==1' <<<"$lines")
runtime_stage=$(awk '/^FROM /{n++} n==2' <<<"$lines")

# The words after "apt-get install" up to the next "&&", options dropped.
packages_of() {
	grep -o 'apt-get install[^&]*' <<<"$1" | head -1 | tr ' ' '\n' | tail -n +3 | grep -v '^-' | grep -v '^$'
}
build_packages=$(packages_of "$build_stage")
runtime_packages=$(packages_of "$runtime_stage")
[ -n "$build_packages" ] || fail "no apt-get install in the build stage"
[ -n "$runtime_packages" ] || fail "no apt-get install in the runtime stage"

# 1. The build stage's packages.
for pkg in $build_packages; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
		fail "build package $pkg is not installed (run tests/ops/setup)"
done

# 2. COPY . . under the .dockerignore rules (the sources only).
excludes=()
while read -r pattern; do
	case "$pattern" in
	"" | "#"*) continue ;;
	"**/"*) excludes+=(--no-anchored "--exclude=${pattern#\*\*/}") ;;
	*) excludes+=(--anchored "--exclude=./$pattern") ;;
	esac
done <"$src/docker/.dockerignore"
mkdir -p "$tmp/src"
tar -C "$src" "${excludes[@]}" -cf - . | tar -C "$tmp/src" -xf - || fail "cannot copy the sources"
[ -d "$tmp/src/.git" ] && fail ".dockerignore lets .git into the build context"
ls -d "$tmp/src"/build* >/dev/null 2>&1 && fail ".dockerignore lets build directories into the context"

# 3. The meson RUN line, as written, with its absolute dirs moved.
meson_run=$(grep '^RUN meson setup' <<<"$build_stage") || fail "no 'RUN meson setup' line"
command=${meson_run#RUN }
command=${command//\/build/$tmp\/build}
command=${command//\/install/$tmp\/install}
grep -q -- '--buildtype=release' <<<"$command" || fail "the build is not a release build"
grep -q -- '-Dtests=false' <<<"$command" || fail "the build does not pass -Dtests=false"
echo "running: $command"
(cd "$tmp/src" && bash -c "$command") >"$tmp/build.log" 2>&1 || {
	tail -40 "$tmp/build.log"
	fail "the Dockerfile's build steps failed"
}

# 4. What the runtime stage copies exists.
copy=$(grep '^COPY --from=build ' <<<"$runtime_stage") || fail "no COPY --from=build"
from=$(cut -d' ' -f3 <<<"$copy")
binary=$tmp${from}
[ -x "$binary" ] || fail "the build did not produce $from"

# 5. Direct libraries come from the runtime stage's packages (or libc6).
for lib in $(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
	path=$(ldd "$binary" | awk -v l="$lib" '$1 == l { print $3 }')
	[ -n "$path" ] || fail "$lib does not resolve"
	pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)
	[ -n "$pkg" ] || pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
	if [ "$pkg" != libc6 ] && ! grep -qx "$pkg" <<<"$runtime_packages"; then
		fail "$lib comes from $pkg, which the runtime stage does not install"
	fi
	echo "ok: $lib from $pkg"
done

# 6. Run it as the image does.
"$binary" --version | grep -q "^claimline " || fail "--version"
mkdir -p "$tmp/data"
(cd "$tmp/data" && exec env CLAIMLINE_DB="$tmp/data/claimline.db" CLAIMLINE_BIND=127.0.0.1 \
	CLAIMLINE_PORT=0 "$binary" serve >"$tmp/out" 2>"$tmp/err") &
server=$!
for _ in $(seq 100); do
	grep -q listening "$tmp/out" 2>/dev/null && break
	sleep 0.1
done
port=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$tmp/out")
[ -n "$port" ] || { cat "$tmp/err"; fail "the server did not start"; }
CLAIMLINE_PORT=$port "$binary" healthcheck || fail "healthcheck failed against the running server"
kill -TERM "$server"
wait "$server"
rc=$?
server=
[ "$rc" -eq 0 ] || { cat "$tmp/err"; fail "exit status $rc after SIGTERM"; }
[ -f "$tmp/data/claimline.db" ] || fail "no store at CLAIMLINE_DB"
echo "ok: the Dockerfile's build steps work"
