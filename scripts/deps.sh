#!/bin/sh
# Installs the Debian packages a make target needs, and only those that are
# missing: `apt-get update` runs only when something must be installed, so a
# second run costs one dpkg-query.  Usage: scripts/deps.sh GROUP...
set -eu

build="cmake make gcc pkg-config node-llhttp libcmocka-dev libxml2-dev libpam0g-dev libcap-dev
libssl-dev libsystemd-dev"
test="clang libclang-rt-14-dev clang-format python3 python3-pytest curl procps libpam-wrapper
libnss-wrapper acl passwd"
bench="nginx wrk"

pkgs=""
for group in "$@"; do
    case "$group" in
    build) pkgs="$pkgs $build" ;;
    test) pkgs="$pkgs $test" ;;
    bench) pkgs="$pkgs $bench" ;;
    all) pkgs="$pkgs $build $test $bench" ;;
    *) echo "deps.sh: unknown group '$group' (build, test, bench, all)" >&2; exit 2 ;;
    esac
done

missing=""
for p in $pkgs; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
    *" installed") ;;
    *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    echo "deps.sh: missing Debian packages:$missing" >&2
    echo "deps.sh: run 'sudo make deps' or install them yourself" >&2
    exit 1
fi

# Installing a server package must not start its service (nginx on port 80):
# policy-rc.d answers 101, "action forbidden", for the length of the install.
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    guard=/usr/sbin/policy-rc.d
fi
trap '[ -n "$guard" ] && rm -f "$guard"' EXIT

echo "deps.sh: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
