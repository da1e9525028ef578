#!/bin/sh
# materialize.sh SRC_NODE_DIR DEST_DIR [ATTRS_FILE]
#
# Turn a kstig sample node tree (as stored in git) into a node root the collector can read:
#   1. DEST_DIR is wiped and recreated (so the script is idempotent);
#   2. SRC_NODE_DIR is copied into it with cp -a: symlinks stay symlinks, absolute targets unchanged;
#   3. defaults: everything root:root (when run as root), directories 0755, files 0644;
#   4. ATTRS_FILE (default: SRC_NODE_DIR.attrs, i.e. samples/nodes/<node>.attrs) is applied:
#      one line per path, "MODE UID GID PATH", PATH relative to the node root; a PATH ending
#      in / is a directory and is created when missing (git keeps no empty directories);
#      symlinks get their owner only (chown -h), never chmod (that would change the target);
#   5. every mtime is set to KSTIG_SAMPLE_MTIME (seconds since the epoch, default
#      1795176000 = 2026-11-20T12:00:00Z) so bundles built from the tree are reproducible.
#
# Ownership needs root: run as another user, owners are left as they are and one warning is
# printed; modes are still applied. Works under `set -eu` with POSIX sh + GNU coreutils.
set -eu

usage() {
    echo "usage: $0 SRC_NODE_DIR DEST_DIR [ATTRS_FILE]" >&2
    exit 2
}

[ $# -ge 2 ] && [ $# -le 3 ] || usage
src=${1%/}
dest=${2%/}
attrs=${3:-$src.attrs}
mtime=${KSTIG_SAMPLE_MTIME:-1795176000}

[ -d "$src" ] || { echo "materialize: $src: not a directory" >&2; exit 1; }
[ -f "$attrs" ] || { echo "materialize: $attrs: no attrs file" >&2; exit 1; }
[ -n "$dest" ] || usage

src_real=$(cd "$src" && pwd -P)
mkdir -p "$dest"
dest_real=$(cd "$dest" && pwd -P)
case "$dest_real" in
    /|/bin|/boot|/dev|/etc|/home|/lib|/lib64|/opt|/proc|/root|/run|/sbin|/srv|/sys|/tmp|/usr|/var)
        echo "materialize: refusing to wipe $dest_real" >&2; exit 1 ;;
esac
case "$src_real/" in
    "$dest_real"/*) echo "materialize: $dest_real contains the source tree" >&2; exit 1 ;;
esac
if [ -n "${HOME:-}" ] && [ "$dest_real" = "$(cd "$HOME" 2>/dev/null && pwd -P || echo "$HOME")" ]; then
    echo "materialize: refusing to wipe \$HOME" >&2; exit 1
fi

# 1. wipe (make everything writable first: a previous non-root run may have left 0555 dirs)
chmod -R u+rwX "$dest_real" 2>/dev/null || true
rm -rf "$dest_real"
mkdir -p "$dest_real"

# 2. copy
cp -a "$src_real/." "$dest_real/"

is_root=0
[ "$(id -u)" -eq 0 ] && is_root=1
warned=0
warn_owner() {
    if [ "$warned" -eq 0 ]; then
        echo "materialize: warning: not running as root, file owners are not applied (modes are)" >&2
        warned=1
    fi
}

# 3. defaults
if [ "$is_root" -eq 1 ]; then
    chown -hR 0:0 "$dest_real"
else
    warn_owner
fi
find "$dest_real" -type d -exec chmod 0755 {} +
find "$dest_real" -type f -exec chmod 0644 {} +

# 4. attrs: create missing directories first, then owners and modes
# (directories are chmod-ed last so that a 0555 directory cannot block later steps)
grep -v '^[[:space:]]*\(#\|$\)' "$attrs" | while read -r mode uid gid path; do
    case "$path" in
        */) mkdir -p "$dest_real/${path%/}" ;;
    esac
done

grep -v '^[[:space:]]*\(#\|$\)' "$attrs" | while read -r mode uid gid path; do
    p="$dest_real/${path%/}"
    if [ ! -e "$p" ] && [ ! -L "$p" ]; then
        echo "materialize: warning: $path listed in $attrs but not in the tree" >&2
        continue
    fi
    if [ "$is_root" -eq 1 ]; then
        chown -h "$uid:$gid" "$p"
    fi
    if [ ! -L "$p" ] && [ ! -d "$p" ]; then
        chmod "$mode" "$p"
    fi
done

# 5. mtimes (before directory modes: touching needs no write permission on the parent)
find "$dest_real" -exec touch -h -d "@$mtime" {} + 2>/dev/null \
    || echo "materialize: warning: could not set mtimes (needs GNU touch)" >&2

grep -v '^[[:space:]]*\(#\|$\)' "$attrs" | while read -r mode uid gid path; do
    case "$path" in
        */) chmod "$mode" "$dest_real/${path%/}" ;;
    esac
done
# chmod on a directory does not change its mtime, but creating entries did: set it again
find "$dest_real" -type d -exec touch -h -d "@$mtime" {} + 2>/dev/null || true

echo "materialized $src -> $dest_real"
