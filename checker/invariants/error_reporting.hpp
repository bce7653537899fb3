// Two invariants about I/O errors and who is told of them (issue 17):
//
// stale-error: a read (read, pread, and the end-of-run read of the whole
// file) returns an I/O error although no fault was injected into its own
// I/O: no block read of the page where it stopped, submitted by its own
// thread while the call ran, failed. The error outlived its cause: 2.4's
// PG_error, which do_generic_file_read re-reads a page with and which
// end_buffer_io_async then refuses to set the page uptodate under, until
// the 2010 fix "do_generic_file_read: clear page errors when issuing a fresh
// read of the page". (A read that itself saw a fault on that page earlier,
// e.g. in its own read-ahead, and then a clean re-read, is not told apart:
// the check may miss such a stale error, it never reports a fresh one.)
//
// lost-error: a block write fails (a write I/O error injected at step s),
// and the next fsync (msync for the mapping's struct file) on a description
// open at the time returns success. "Open at the time", errseq_t's rule as
// issue 17 states it (4.13, and 4.16's "an error nobody has seen yet also
// to a description opened after it"): a description opened before s (each
// thread's first, opened before the threads run), or one that a thread's
// open operation made after s while no fsync or msync had yet returned the
// error (docs/errors.md). A closed description has no next call; an fsync
// on a closed fd (-EBADF) is on none. "The next" is the first such call of
// the description that returns after s and is bound to cover the failed
// write: one that began after s, or one that began before s when a write of
// that block's bytes had completed before it began (its data is what that
// fsync must make durable); otherwise the description's next call that
// began after s. A description is a thread's own struct file (its fsync
// calls until it closes it; each open makes a new one) or the one behind
// the MAP_SHARED mappings (every thread's msync).
//
// lost-data (lost_data.hpp) keeps meaning bytes that differ: it compares
// the blocks whose last write failed with the cached content, and leaves
// whether the application was told to lost-error.
#pragma once

#include <optional>

#include "checker/invariants/torn_read.hpp"
#include "models/pagecache/observation.hpp"
#include "sim/verdict.hpp"

namespace checker::invariants {

// A violation of "stale-error" naming the read, its result, the page, and
// the step where the last fault on that page set the error (if any); or
// nothing. Needs options.config (the page size); without it nothing is checked.
std::optional<sim::Verdict> check_stale_error(const models::pagecache::Observation& obs,
                                              const CheckOptions& options = {});

// A violation of "lost-error" naming the failed write (step, block, page,
// submitter), the description and its call that returned success, and the
// calls that did report it; or nothing. Needs options.config (the block size).
std::optional<sim::Verdict> check_lost_error(const models::pagecache::Observation& obs,
                                             const CheckOptions& options = {});

}  // namespace checker::invariants
