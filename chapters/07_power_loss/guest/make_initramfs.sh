#!/usr/bin/env bash
# Builds the guest's initramfs: busybox (static), /init and the static writer.
# The kernel's modules come later, as a second cpio archive fetched with the
# kernel (the kernel unpacks concatenated archives one after the other).
#
# Usage: make_initramfs.sh OUTPUT.cpio BUSYBOX INIT WRITER [PROGRAM...]
# WRITER becomes /bin/plug_writer; each further PROGRAM (static too) becomes
# /bin/<its file name> (chapter 09's guest has two).
set -euo pipefail
output=$1 busybox=$2 init=$3 writer=$4
shift 4

# A dynamically linked busybox (Debian's "busybox") finds no libc in the guest.
if readelf -l "$busybox" 2>/dev/null | grep -q 'INTERP'; then
  echo "make_initramfs: $busybox is dynamically linked: install busybox-static;" \
       "the chapter 07 lab tests skip until then" >&2
  rm -f "$output"
  exit 0
fi

root=$(mktemp -d "${output}.root.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,modules,proc,sys,dev,lab}
install -m 0755 "$busybox" "$root/bin/busybox"
install -m 0755 "$writer" "$root/bin/plug_writer"
for program in "$@"; do install -m 0755 "$program" "$root/bin/$(basename "$program")"; done
install -m 0755 "$init" "$root/init"
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) > "$output.tmp"
mv "$output.tmp" "$output"
