# Chapter 02 — MS_ASYNC, fsync and friends. Sourced by common/tour/run_tour.sh.
say "What does each call do to 256 dirty pages? Right after the call, and 200 ms later:"
show ch02_what_each_call_does . --pages 256
say ""
say "Three ways to make mapped data durable, timed in interleaved rounds:"
show ch02_three_ways_timed . --rounds 20 --pages 16
