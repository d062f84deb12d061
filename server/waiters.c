/*
 * The waker: one thread sleeping on a condition variable until the
 * earliest waiter's deadline or a commit.  Suspension and resumption both
 * happen under the waiters' mutex, so a resume can never overtake the
 * suspend it undoes.
 */
#include "server/waiters.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "server/reply.h"
#include "store/store.h"

#define WAITERS_MAX 4096

struct waiter {
	struct MHD_Connection *conn;
	int64_t deadline_ms;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t waker;
static bool running, stopping;
static uint64_t generation;
static uint64_t woken_generation;
static struct waiter waiting[WAITERS_MAX];
static size_t nwaiting;

static void on_commit(void)
{
	pthread_mutex_lock(&lock);
	generation++;
	if (nwaiting)
		pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
}

/* Resumes waiter i (lock held) and removes it. */
static void resume_at(size_t i)
{
	MHD_resume_connection(waiting[i].conn);
	waiting[i] = waiting[--nwaiting];
}

static void *waker_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		if (woken_generation != generation) {
			woken_generation = generation;
			while (nwaiting)
				resume_at(0);
		}
		int64_t now = monotonic_ms(), earliest = INT64_MAX;
		for (size_t i = 0; i < nwaiting;) {
			if (waiting[i].deadline_ms <= now) {
				resume_at(i);
				continue;
			}
			if (waiting[i].deadline_ms < earliest)
				earliest = waiting[i].deadline_ms;
			i++;
		}
		if (woken_generation != generation)
			continue;
		if (earliest == INT64_MAX) {
			pthread_cond_wait(&wake, &lock);
		} else {
			struct timespec ts = {
				.tv_sec = earliest / 1000,
				.tv_nsec = (earliest % 1000) * 1000000,
			};
			pthread_cond_timedwait(&wake, &lock, &ts);
		}
	}
	while (nwaiting)
		resume_at(0);
	pthread_mutex_unlock(&lock);
	return NULL;
}

int waiters_start(void)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&wake, &attr);
	pthread_condattr_destroy(&attr);
	stopping = false;
	store_set_commit_hook(on_commit);
	if (pthread_create(&waker, NULL, waker_main, NULL) != 0)
		return -1;
	running = true;
	return 0;
}

void waiters_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = true;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(waker, NULL);
	store_set_commit_hook(NULL);
	pthread_cond_destroy(&wake);
	running = false;
}

uint64_t waiters_generation(void)
{
	pthread_mutex_lock(&lock);
	uint64_t g = generation;
	pthread_mutex_unlock(&lock);
	return g;
}

bool waiters_stopping(void)
{
	pthread_mutex_lock(&lock);
	bool s = stopping;
	pthread_mutex_unlock(&lock);
	return s;
}

bool waiters_suspend(struct MHD_Connection *conn, int64_t deadline_ms,
		     uint64_t seen_generation)
{
	bool suspended = false;
	pthread_mutex_lock(&lock);
	if (running && !stopping && seen_generation == generation &&
	    nwaiting < WAITERS_MAX) {
		MHD_suspend_connection(conn);
		waiting[nwaiting++] = (struct waiter){conn, deadline_ms};
		pthread_cond_signal(&wake);
		suspended = true;
	}
	pthread_mutex_unlock(&lock);
	return suspended;
}
