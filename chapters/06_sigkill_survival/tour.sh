# Chapter 06 — surviving SIGKILL. Sourced by common/tour/run_tour.sh.
say "Does state in a MAP_SHARED file survive SIGKILL without msync? The writer"
say "updates a counter 1000 times, then kills itself: no destructor, no munmap."
show_failing ch06_state_writer state.bin --updates 100000 --kill-self-after 1000
say "Every store is there, and the page is still dirty: in RAM, not on the disk."
show ch06_state_verify state.bin
say ""
say "A 64 KiB state rewritten in place, killed mid-update: the naive reader accepts"
say "a torn mix of two generations."
show_shell "ch06_torn_writer naive.bin --layout naive & sleep 0.05; kill -KILL \$!; { wait \$!; } 2>/dev/null || true"
show_failing ch06_torn_reader naive.bin --layout naive
say "With a commit marker and a checksum per slot, the cut-short update is rejected"
say "and the previous generation returned whole:"
show_shell "ch06_torn_writer checked.bin --layout checked & sleep 0.05; kill -KILL \$!; { wait \$!; } 2>/dev/null || true"
show ch06_torn_reader checked.bin --layout checked
say ""
say "The torture: kill chapter 05's producer 200 times at random moments."
show ch06_sigkill_torture --kills 200 --dir .
