#!/usr/bin/env bash
# Builds (once) the lab's control-plane binaries and caches them outside the repo.
#   etcd                      from Debian's etcd-server package
#   kube-apiserver, kube-controller-manager, kube-scheduler
#                             built from Debian's own `kubernetes` source package (bookworm, 1.20.2),
#                             which carries its vendor tree, so the build needs no network beyond apt.
# Cache: $NETPOL_ASSERT_CACHE (default ~/.cache/netpol-assert)/k8s-<version>/bin
# Re-running is cheap: a complete cache is reused as is.
set -euo pipefail

cache_root="${NETPOL_ASSERT_CACHE:-$HOME/.cache/netpol-assert}"
version="1.20.2"
bin_dir="$cache_root/k8s-$version/bin"
wanted=(kube-apiserver kube-controller-manager kube-scheduler)

have_all() {
  for b in "${wanted[@]}"; do [ -x "$bin_dir/$b" ] || return 1; done
  [ -x "$bin_dir/etcd" ]
}

log() { printf '[install-lab-binaries] %s\n' "$*" >&2; }

apt_updated=""
apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

if have_all; then
  log "cached: $bin_dir"
  echo "$bin_dir"
  exit 0
fi

mkdir -p "$bin_dir"
apt_install etcd-server
ln -sf "$(command -v etcd || echo /usr/bin/etcd)" "$bin_dir/etcd"

build_dir="$cache_root/k8s-$version/build"
mkdir -p "$build_dir"
cd "$build_dir"

if ! ls -d kubernetes-*/ >/dev/null 2>&1; then
  if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
    log "adding deb-src for bookworm"
    cat > /etc/apt/sources.list.d/netpol-assert-src.sources <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=""
  fi
  apt_install dpkg-dev golang-go rsync jq
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  log "apt-get source kubernetes"
  apt-get source -qq kubernetes >/dev/null
fi
apt_install golang-go rsync jq

src=$(ls -d "$build_dir"/kubernetes-*/ | head -n1)
src=${src%/}
mkdir -p "$build_dir/.go/src/k8s.io"
ln -sfn "$src" "$build_dir/.go/src/k8s.io/kubernetes"
log "building ${wanted[*]} from $src (several minutes)"
(
  cd "$build_dir/.go/src/k8s.io/kubernetes"
  GOPATH="$build_dir/.go" GO111MODULE=off CGO_ENABLED=0 GOFLAGS=-mod=vendor \
    make WHAT="cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler" >"$build_dir/build.log" 2>&1 \
    || { tail -n 40 "$build_dir/build.log" >&2; exit 1; }
)
for b in "${wanted[@]}"; do
  found=$(find "$src/_output" -type f -name "$b" -perm -u+x | head -n1)
  [ -n "$found" ] || { log "build produced no $b"; exit 1; }
  cp "$found" "$bin_dir/$b"
done
have_all || { log "incomplete cache in $bin_dir"; exit 1; }
log "built: $bin_dir"
echo "$bin_dir"
