#!/usr/bin/env bash
# Fetches the guest's kernel into DIR, once: the pinned Debian cloud kernel
# package (virtio drivers as modules, ext4 built in), downloaded with
# `apt-get download` and unpacked with `dpkg-deb -x` — nothing is installed.
# Leaves DIR/vmlinuz, DIR/modules.cpio (the six virtio modules the guest's
# /init loads) and DIR/kernel-package (the pin, and the package fetched: the
# pin itself unless Debian's archive no longer has it). Also keeps the
# package's whole module tree in DIR/lib/modules, for guests that need more
# modules (chapter 09's persistent memory), and packs the modules of the
# lab's other filesystems with their dependencies: DIR/xfs-modules.cpio and
# DIR/btrfs-modules.cpio (pack_modules.sh; their load order in
# /modules/xfs.order and /modules/btrfs.order).
#
# Usage: fetch_guest_kernel.sh DIR PACKAGE=VERSION
# Exit status 77 (CTest's "skipped") when the package cannot be had here.
set -euo pipefail
dir=$1 pinned=$2
modules=(virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci virtio_blk)
here=$(cd "$(dirname "$0")" && pwd)

# Also for a kernel fetched before they were packed. A failure here costs only
# that filesystem's trials (they skip: no DIR/FS-modules.cpio), not the lab.
pack_filesystem_modules() {
  local fs
  for fs in xfs btrfs; do
    [[ -f $dir/$fs-modules.cpio ]] ||
      bash "$here/pack_modules.sh" "$dir" "$dir/$fs-modules.cpio" "$fs.order" "$fs" ||
      echo "guest kernel: no $fs modules packed: the lab's $fs tests will skip"
  done
}

mkdir -p "$dir"
if [[ -f $dir/vmlinuz && -f $dir/modules.cpio && -f $dir/kernel-package && -d $dir/lib/modules ]] &&
   [[ $(head -n 1 "$dir/kernel-package") == "pinned $pinned" ]]; then
  echo "guest kernel: $(tail -n 1 "$dir/kernel-package") (cached in $dir)"
  pack_filesystem_modules
  exit 0
fi
for tool in apt-get apt-cache dpkg-deb cpio; do
  command -v "$tool" > /dev/null || { echo "skipped: $tool is not installed: no guest kernel"; exit 77; }
done

work=$(mktemp -d "$dir/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
package=$pinned
if ! apt-get download -q "$pinned" > download.log 2>&1; then
  # Debian drops old kernel builds from its archive; the current one will do.
  package=$(apt-cache depends linux-image-cloud-amd64 2>/dev/null | awk '/Depends: linux-image/ {print $2; exit}')
  echo "guest kernel: $pinned is no longer in the archive; using ${package:-nothing}"
  if [[ -z $package ]] || ! apt-get download -q "$package" >> download.log 2>&1; then
    echo "skipped: could not download a guest kernel (no network, or run apt-get update):"
    tail -n 3 download.log
    exit 77
  fi
fi
dpkg-deb -x ./*.deb unpacked

mkdir -p initramfs/modules
for module in "${modules[@]}"; do
  found=$(find unpacked/lib/modules -name "$module.ko" | head -n 1)
  [[ -n $found ]] || { echo "guest kernel: $package has no $module.ko"; exit 1; }
  cp "$found" initramfs/modules/
done
(cd initramfs && find . | LC_ALL=C sort | cpio -o -H newc --quiet --owner=0:0) > modules.cpio
install -m 0644 unpacked/boot/vmlinuz-* "$dir/vmlinuz"
install -m 0644 modules.cpio "$dir/modules.cpio"
rm -rf "$dir/lib" "$dir/xfs-modules.cpio" "$dir/btrfs-modules.cpio"
mkdir -p "$dir/lib"
mv unpacked/lib/modules "$dir/lib/modules"
printf 'pinned %s\nfetched %s\n' "$pinned" "$package" > "$dir/kernel-package"
echo "guest kernel: $package (fetched into $dir)"
pack_filesystem_modules
