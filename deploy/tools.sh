#!/usr/bin/env bash
# Installs the tools that check the deployment files, from package registries only, idempotently, into
# the same per-user cache as the local stack (stack/install.sh), and prints the path of the one asked
# for on stdout (progress goes to stderr):
#
#   deploy/tools.sh [kustomize]        # e.g. "$(deploy/tools.sh kustomize)" build deploy/kubernetes
#
# kustomize is built from the Go module proxy, at a pinned version whose module needs Go >= 1.22.7
# (later ones need newer Go). The first build takes a minute or two; later calls return at once.
set -euo pipefail

cache="${RELIABLE_SIGNUP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reliable-signup}"
kustomize_version="v5.7.1"

log() { echo "[deploy/tools] $*" >&2; }

install_kustomize() {
  local dir="$cache/kustomize-$kustomize_version"
  if [ ! -x "$dir/kustomize" ]; then
    if ! command -v go >/dev/null 2>&1; then
      log "kustomize is built with Go, which is not on PATH (apt-get install golang-go, or https://go.dev/dl/)"
      exit 1
    fi
    log "kustomize $kustomize_version (Go module proxy) -> $dir (the first build takes a minute or two)"
    rm -rf "$dir.tmp"
    mkdir -p "$dir.tmp"
    (cd "$dir.tmp" && GOBIN="$dir.tmp" go install "sigs.k8s.io/kustomize/kustomize/v5@$kustomize_version")
    "$dir.tmp/kustomize" version >/dev/null
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
  fi
  echo "$dir/kustomize"
}

mkdir -p "$cache"
# One install at a time (test runs and people may call this together).
exec 9>"$cache/.deploy-tools.lock"
flock 9

case "${1:-kustomize}" in
  kustomize) install_kustomize ;;
  *)
    log "unknown tool: $1 (known: kustomize)"
    exit 2
    ;;
esac
