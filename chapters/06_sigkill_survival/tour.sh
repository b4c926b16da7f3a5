# Chapter 06 — surviving SIGKILL. Sourced by common/tour/run_tour.sh.
say "Does state in a MAP_SHARED file survive SIGKILL without msync? The writer"
say "updates a counter 1000 times, then kills itself: no destructor, no munmap."
show_failing ch06_state_writer state.bin --updates 100000 --kill-self-after 1000
say "Every store is there, and the page is still dirty: in RAM, not on the disk."
show ch06_state_verify state.bin
say ""
say "A 64 KiB state rewritten in place, cut halfway through update 1000 (the"
say "writer kills itself there; a kill at a random moment usually lands mid-update"
say "too): the naive reader accepts a torn mix of two generations."
show_failing ch06_torn_writer naive.bin --layout naive --kill-self-in-update 1000
show_failing ch06_torn_reader naive.bin --layout naive
say "With a commit marker and a checksum per slot, the cut-short update is rejected"
say "and the previous generation returned whole:"
show_failing ch06_torn_writer checked.bin --layout checked --kill-self-in-update 1000
show ch06_torn_reader checked.bin --layout checked
say ""
say "The torture: kill chapter 05's producer 200 times at random moments."
show ch06_sigkill_torture --kills 200 --dir .
