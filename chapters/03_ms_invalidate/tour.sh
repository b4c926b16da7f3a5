# Chapter 03 — MS_INVALIDATE. Sourced by common/tour/run_tour.sh.
say "Does a mapping need MS_INVALIDATE to see another process's write()? Count:"
show ch03_sees_writes seen.bin --rounds 20000
say ""
say "What MS_INVALIDATE does on Linux — and the trap with locked pages:"
show ch03_invalidate_locked locked.bin
say ""
say "MAP_PRIVATE is not a snapshot:"
show ch03_private_not_snapshot private.bin
