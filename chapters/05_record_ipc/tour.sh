# Chapter 05 — records between processes. Sourced by common/tour/run_tour.sh.
say "A producer appends checksummed records to a mapped file; a consumer in another"
say "process follows them. The producer publishes each record with a release store of"
say "the header's counter, and wakes a follower with a futex only if it sleeps."
show ch05_record_producer stream.rec --records 2000 --durability group
show ch05_record_consumer stream.rec
say ""
say "Durability is a choice: msync per record, per group, or never (the page cache"
say "alone). The recovery scan checks every committed record's checksum:"
show ch05_record_producer per-record.rec --records 50 --durability record
show ch05_record_recover per-record.rec
say ""
say "A follower started while the producer is still writing reads to the end. The"
say "file appears whole (renamed into place): the follower waits only for its name."
show_shell "ch05_record_producer live.rec --records 300 --interval-us 500 >/dev/null & while [ ! -e live.rec ] && kill -0 \$!; do sleep 0.01; done; ch05_record_consumer live.rec --follow && wait \$!"
say ""
say "A damaged record is found, and nothing after it is trusted:"
show_shell "cp stream.rec damaged.rec && printf 'X' | dd of=damaged.rec bs=1 seek=1000 conv=notrunc status=none"
show_failing ch05_record_consumer damaged.rec
show_failing ch05_record_recover damaged.rec
