# Chapter 08 — file-size edges. Sourced by common/tour/run_tour.sh.
say "A file of 100 bytes, a mapping of two pages. A store at byte 200 - inside the"
say "last page, past the end of file:"
show ch08_past_eof lost.bin --size 100 --store-at 200
say ""
say "A store into the second page, which holds no byte of the file:"
show_failing ch08_past_eof sigbus.bin --size 100 --store-at 5000
say ""
say "Another process truncates the file under the mapping:"
show_failing ch08_truncated_under_me shrunk.bin
say "A memfd sealed against shrinking cannot be truncated by anyone:"
show ch08_sealed_memfd
say ""
say "Catching SIGBUS: the careful guard, then the naive one compiled with -O2:"
show ch08_guarded_read careful.bin --guard careful
show_failing ch08_guarded_read naive.bin --guard naive
say ""
say "An empty file cannot be mapped; a mapped file grows file first, mapping second:"
show ch08_empty_and_grow grow.bin
say ""
say "Replacing a file durably: the rename is the directory's data."
show ch08_replace_durably state.txt "version 1"
show ch08_replace_durably state.txt "version 2"
say ""
say "(A full disk, and a device failing below the filesystem - an fsync error"
say "reported once, then a retry that returns 0 - each need a filesystem of their"
say "own: see the chapter page and the ch08 tests, which loop-mount one as root.)"
