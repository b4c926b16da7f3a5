# Chapter 09 — MAP_SYNC. Sourced by common/tour/run_tour.sh.
say "MAP_SYNC on the disk filesystem (ext4, no DAX):"
show ch09_map_sync_probe .
say ""
say "And on tmpfs, where plain MAP_SHARED ignores it:"
show ch09_map_sync_probe /dev/shm
