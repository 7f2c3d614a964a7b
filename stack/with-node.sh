#!/usr/bin/env bash
# `bash stack/with-node.sh <line> <command>...`, e.g. `bash stack/with-node.sh 22 npx jest --selectProjects unit`:
# runs the command with the pinned release of that supported Node.js line (stack/node-releases.txt) first
# on PATH, installing it into the user cache if needed. npm, jest and its workers, and the worker, API and
# servers the tests start (process.execPath) all run on it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -lt 2 ]; then
  echo "usage: bash stack/with-node.sh <line> <command>..." >&2
  exit 2
fi
bin="$(bash "$here/install-node.sh" "$1")"
shift
export PATH="$bin:$PATH"
exec "$@"
