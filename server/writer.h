/*
 * The writer: one thread that runs every write request, in batches that
 * commit together (group commit).  Under synchronous=FULL each commit
 * waits for an fsync; writers queued behind one another share it instead
 * of each paying it, and their WAL pages (index roots, the tables' last
 * leaves) are written once per batch rather than once per request.
 *
 * A job's reply is sent only after its batch committed, so an
 * acknowledged write is durable exactly as before.  Each job runs in a
 * savepoint of its own (see store_batch_begin): a job that fails leaves
 * the others in its batch untouched.
 */
#ifndef CLAIMLINE_WRITER_H
#define CLAIMLINE_WRITER_H

#include <stdbool.h>

struct store;

struct writer_job {
	/* On the writer thread, inside the batch's transaction. */
	void (*run)(struct writer_job *job, struct store *st);
	/* On the writer thread once the batch ended: `store_rc` is STORE_OK
	 * when it committed, else the error that lost it (and with it every
	 * write `run` made). */
	void (*done)(struct writer_job *job, int store_rc);
	/* A large write (an import): run in a transaction of its own, not
	 * in a savepoint of a batch (where SQLite would first copy every
	 * page it changes into the savepoint's journal); its handler's
	 * commit is the commit, and the memory it used is handed back to
	 * the system after it. */
	bool alone;
	struct writer_job *next; /* the queue's */
};

/* Starts the writer thread.  Returns 0 or -1. */
int writer_start(void);

/* Queues `job`; false when the writer is not running (the caller answers
 * by itself). */
bool writer_submit(struct writer_job *job);

/* Runs what is queued, then stops the thread. */
void writer_stop(void);

/* Batches committed (or failed) so far, the writes they held, and the
 * writes queued now: the metrics of group commit. */
struct writer_stats {
	unsigned long long batches, writes, queued;
};
void writer_stats(struct writer_stats *out);

#endif
