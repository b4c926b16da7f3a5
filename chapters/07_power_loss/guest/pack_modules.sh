#!/usr/bin/env bash
# Packs kernel modules of the guest kernel, each with what it depends on, into
# a cpio archive for the guest's initrd: /modules/<name>.ko, and
# /modules/ORDER, the order in which /init must insmod them. The kernel
# package has no modules.dep: dependencies are read from each module's own
# "depends=" field (depth first: a module comes after what it needs).
#
# Usage: pack_modules.sh GUEST_DIR OUTPUT.cpio ORDER MODULE...
# GUEST_DIR is chapter 07's fetched kernel (its module tree in GUEST_DIR/lib/modules).
# Chapter 07 packs xfs and btrfs this way (fetch_guest_kernel.sh calls it);
# chapter 09 its persistent-memory drivers (nd_pmem nd_e820 xfs, ORDER "order").
# Exit status 77 (CTest's "skipped") when the tree or a module is missing.
set -euo pipefail
guest_dir=$1 output=$2 order_name=$3
shift 3

tree=$(find "$guest_dir/lib/modules" -mindepth 1 -maxdepth 1 -type d 2>/dev/null | head -n 1)
if [[ -z $tree ]]; then
  echo "skipped: no guest kernel module tree in $guest_dir/lib/modules (run the test 'ch07/fetch the guest kernel')"
  exit 77
fi
command -v strings > /dev/null || { echo "skipped: strings (binutils) is not installed"; exit 77; }

work=$(mktemp -d "${output}.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/modules"
order=()
add_module() {
  local name=$1 file depends dependency
  [[ " ${order[*]} " == *" $name "* ]] && return 0
  file=$(find "$tree" -name "$name.ko" | head -n 1)
  if [[ -z $file ]]; then
    echo "skipped: the guest kernel $(basename "$tree") has no module $name.ko"
    exit 77
  fi
  depends=$(strings -a "$file" | sed -n 's/^depends=//p' | head -n 1)
  for dependency in ${depends//,/ }; do add_module "$dependency"; done
  order+=("$name")
  cp "$file" "$work/modules/$name.ko"
}
for module in "$@"; do add_module "$module"; done
printf '%s\n' "${order[@]}" > "$work/modules/$order_name"
(cd "$work" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) > "$output.tmp"
mv "$output.tmp" "$output"
echo "guest modules $order_name: ${order[*]} (from $(basename "$tree"))"
