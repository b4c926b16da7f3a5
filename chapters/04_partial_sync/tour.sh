# Chapter 04 — partial-page sync. Sourced by common/tour/run_tour.sh.
say "What msync accepts: the start must be page-aligned, the length need not be."
show ch04_msync_arguments args.bin
say ""
say "The classic per-record commit, with its errors counted — and the fix:"
show ch04_per_record_bug records.bin
say ""
say "One byte stored through a mapping; how much does msync write?"
show ch04_folio_amplification . --tries 3
say ""
say "One dirty page costs the same to sync in a 4 KiB or a 1 GiB mapping:"
show ch04_mapping_size_cost . --rounds 10
