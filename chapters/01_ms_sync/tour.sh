# Chapter 01 — MS_SYNC, the durable commit. Sourced by common/tour/run_tour.sh.
say "Keep a state struct in a file; commit each change with msync(MS_SYNC)."
say "The first run creates the file (and fsyncs its directory):"
show ch01_commit_state state.bin --add 5 --note "first commit"
show ch01_commit_state state.bin --add 2
say ""
say "Another process reads exactly what was committed:"
show ch01_read_state state.bin
say ""
say "And after MS_SYNC the page is clean: on the disk, not only in RAM."
show ch01_durable_yet state.bin
say ""
say "A file that is not a state file is refused, and left alone:"
show_shell "printf 'not a state file. %.0s' {1..12} > foreign.bin"
show_failing ch01_read_state foreign.bin
show_failing ch01_commit_state foreign.bin
