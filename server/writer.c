/*
 * The writer thread and its queue (see writer.h).
 */
#include "server/writer.h"

#include <malloc.h>
#include <pthread.h>
#include <stddef.h>

#include "store/store.h"

/* A batch takes at most this many queued jobs: enough to share an fsync
 * widely, few enough that the first in line does not wait long. */
#define WRITER_BATCH_MAX 256
/* The writer's page cache (KiB), half a reader's: a write touches a few
 * pages of each index at random, so a bigger cache keeps little it will
 * use again, and the process stays within its memory budget (peak RSS
 * under load, see bench/README.md). */
#define WRITER_CACHE_KIB 8192

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static struct writer_job *head, *tail;
static bool running, stopping;
static pthread_t thread;
static unsigned long long batches, writes, queued; /* under `lock` */
/* The writer thread's connection has its page cache set (only that
 * thread reads it; a new thread gets a new connection). */
static bool cache_set;

/* Takes up to WRITER_BATCH_MAX jobs off the queue, in arrival order; a
 * job that runs alone is a batch by itself. */
static struct writer_job *take_batch(void)
{
	struct writer_job *first = head, *last = head;
	unsigned long long n = 1;
	for (; n < WRITER_BATCH_MAX && !first->alone && last->next &&
	       !last->next->alone;
	     n++)
		last = last->next;
	batches++;
	writes += n;
	queued -= n;
	head = last->next;
	if (!head)
		tail = NULL;
	last->next = NULL;
	return first;
}

static void run_batch(struct writer_job *jobs)
{
	struct store *st = store_thread();
	if (st && !cache_set) {
		store_cache_size(st, -WRITER_CACHE_KIB);
		cache_set = true;
	}
	if (jobs->alone) {
		/* Its own transaction: store_begin/commit inside are real. */
		if (st)
			jobs->run(jobs, st);
		jobs->done(jobs, st ? STORE_OK : STORE_ERROR);
		malloc_trim(0);
		return;
	}
	int rc = st ? store_batch_begin(st) : STORE_ERROR;
	if (rc == STORE_OK) {
		for (struct writer_job *j = jobs; j && store_batch_alive(st);
		     j = j->next) {
			j->run(j, st);
			store_batch_job_done(st);
		}
		rc = store_batch_end(st, true);
	}
	while (jobs) {
		/* done() may free the job: read its successor first. */
		struct writer_job *next = jobs->next;
		jobs->done(jobs, rc);
		jobs = next;
	}
}

static void *writer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	for (;;) {
		while (!head && !stopping)
			pthread_cond_wait(&wake, &lock);
		if (!head)
			break;
		struct writer_job *jobs = take_batch();
		pthread_mutex_unlock(&lock);
		run_batch(jobs);
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int writer_start(void)
{
	pthread_mutex_lock(&lock);
	stopping = false;
	cache_set = false;
	running = pthread_create(&thread, NULL, writer_main, NULL) == 0;
	int rc = running ? 0 : -1;
	pthread_mutex_unlock(&lock);
	return rc;
}

bool writer_submit(struct writer_job *job)
{
	pthread_mutex_lock(&lock);
	bool taken = running && !stopping;
	if (taken) {
		job->next = NULL;
		if (tail)
			tail->next = job;
		else
			head = job;
		tail = job;
		queued++;
		pthread_cond_signal(&wake);
	}
	pthread_mutex_unlock(&lock);
	return taken;
}

void writer_stop(void)
{
	pthread_mutex_lock(&lock);
	bool was_running = running;
	stopping = true;
	running = false;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	if (was_running)
		pthread_join(thread, NULL);
}

void writer_stats(struct writer_stats *out)
{
	pthread_mutex_lock(&lock);
	*out = (struct writer_stats){batches, writes, queued};
	pthread_mutex_unlock(&lock);
}
