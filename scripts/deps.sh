# Sourced by scripts/run and scripts/test: installs the Debian packages a
# step needs when any is missing (apt-get, as root or through sudo).

claimline_build_packages="gcc pkg-config meson ninja-build libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev zlib1g-dev"
claimline_test_packages="$claimline_build_packages libcurl4-openssl-dev jq clang libclang-rt-14-dev clang-format"

# need_packages PKG... : installs those of PKG that are not installed.
need_packages() {
	local missing=()
	for pkg in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
			missing+=("$pkg")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "installing: ${missing[*]}" >&2
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	$sudo apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
