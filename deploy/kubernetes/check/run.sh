#!/usr/bin/env bash
# Offline checks of the manifests (no cluster): every file parses as YAML (PyYAML), every document
# validates against the Kubernetes 1.27 JSON schemas and type-checks against the TypeScript API
# types of kubernetes-models (the type check also refuses unknown or misspelled fields).
# Needs python3 with PyYAML (apt-get install python3-yaml), node 20 and npm.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
files=$(find . -name '*.yaml' -not -path './check/*' | sort)
for f in $files; do
  python3 -c 'import yaml,sys; list(yaml.safe_load_all(open(sys.argv[1])))' "$f"
done
echo "$(echo "$files" | wc -l) files parse as YAML"
[ -d "$here/node_modules" ] || (cd "$here" && npm install --no-audit --no-fund --no-package-lock --silent)
node "$here/validate.js" $files
node "$here/typecheck.js" $files
