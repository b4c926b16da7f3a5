# Chapter 10 — cost and writeback. Sourced by common/tour/run_tour.sh.
say "What each way to persist an update costs here, against the bare device flush"
say "(interleaved rounds; your numbers will differ):"
show ch10_cost_benchmark . --rounds 10
say ""
say "What MappedFile::sync adds to a bare msync call (MS_ASYNC: no I/O, just the call):"
show ch10_sync_call_cost . --calls 30000
say ""
say "The writeback timeline waits for the kernel (about 35 s), so the tour only"
say "names it: ch10_writeback_timeline FILE, and with --rewrite-every-ms 50."
