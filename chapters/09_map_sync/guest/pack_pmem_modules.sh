#!/usr/bin/env bash
# Packs the kernel modules of chapter 09's persistent-memory guest into a cpio
# archive: the drivers of the legacy persistent-memory region that memmap=
# declares (nd_e820, nd_pmem) and xfs, each with what it depends on, plus
# /modules/order, the order in which the guest's /init loads them. The kernel
# and its module tree are chapter 07's (fetch_guest_kernel.sh keeps the tree
# in GUEST_DIR/lib/modules); the package has no modules.dep, so dependencies
# are read from each module's own "depends=" field.
#
# Usage: pack_pmem_modules.sh GUEST_DIR OUTPUT.cpio
# Exit status 77 (CTest's "skipped") when the kernel or a module is missing.
set -euo pipefail
guest_dir=$1 output=$2
wanted=(nd_pmem nd_e820 xfs)

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
add_module() {  # depth first: a module after everything it depends on
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
for module in "${wanted[@]}"; do add_module "$module"; done
printf '%s\n' "${order[@]}" > "$work/modules/order"
(cd "$work" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) > "$output.tmp"
mv "$output.tmp" "$output"
echo "pmem modules: ${order[*]} (from $(basename "$tree"))"
