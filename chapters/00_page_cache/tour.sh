# Chapter 00 — the page cache, seen. Sourced by common/tour/run_tour.sh.
say "A store into a MAP_SHARED mapping is a store into the kernel's page cache."
say "Watch pages turn dirty, one per store:"
show ch00_dirty_pages pages.bin --pages 4
say ""
say "munmap and close do not write anything back. The page stays dirty:"
show ch00_unmap_and_exit note.bin "written through a mapping, never synced"
say ""
say "A new process reads it at once with plain read(): one page cache for all."
show ch00_peek note.bin
