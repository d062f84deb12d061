/*
 * The API test library (see testlib.h): server processes, HTTP through
 * libcurl and raw sockets, JSON pointers, checks, and the test runner.
 *
 * Everything a test allocates through this library goes into one arena
 * that the runner empties after each test, so that a test stopping early
 * with REQUIRE leaks nothing under LeakSanitizer.
 */
#include "tests/lib/testlib.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_TIMEOUT_MS 30000
#define STOP_TIMEOUT_MS 20000
#define REQUEST_TIMEOUT_MS 30000

/* ---- the arena ------------------------------------------------------- */

struct arena_item {
	struct arena_item *prev, *next;
	void *p;
	void (*free_fn)(void *);
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct arena_item *arena;
static int failures;
static struct tl_server *current;

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p) {
		fprintf(stderr, "testlib: out of memory\n");
		abort();
	}
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

/* Hands `p` to the arena; returns the item so it can leave early. */
static struct arena_item *arena_add(void *p, void (*free_fn)(void *))
{
	struct arena_item *it = xmalloc(sizeof(*it));

	it->p = p;
	it->free_fn = free_fn;
	it->prev = NULL;
	pthread_mutex_lock(&lock);
	it->next = arena;
	if (arena)
		arena->prev = it;
	arena = it;
	pthread_mutex_unlock(&lock);
	return it;
}

/* Takes `it` out of the arena and frees what it holds. */
static void arena_release(struct arena_item *it)
{
	pthread_mutex_lock(&lock);
	if (it->prev)
		it->prev->next = it->next;
	else
		arena = it->next;
	if (it->next)
		it->next->prev = it->prev;
	pthread_mutex_unlock(&lock);
	it->free_fn(it->p);
	free(it);
}

static void arena_clear(void)
{
	while (arena)
		arena_release(arena);
}

static void json_decref_void(void *p)
{
	json_decref(p);
}

const char *tl_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	arena_add(s, free);
	return s;
}

char *tl_repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	arena_add(s, free);
	return s;
}

long long tl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* ---- failures -------------------------------------------------------- */

void tl_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&lock);
	failures++;
	fprintf(stderr, "  %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	pthread_mutex_unlock(&lock);
}

int tl_failures(void)
{
	int n;

	pthread_mutex_lock(&lock);
	n = failures;
	pthread_mutex_unlock(&lock);
	return n;
}

/* A short, printable excerpt of a body for failure messages. */
static const char *excerpt(const struct tl_resp *r)
{
	if (!r || !r->body)
		return "(no body)";
	if (r->body_len <= 600)
		return r->body;
	return tl_fmt("%.600s... (%zu bytes)", r->body, r->body_len);
}

/* ---- the server process ---------------------------------------------- */

void tl_server_init(struct tl_server *s)
{
	memset(s, 0, sizeof(*s));
	s->out_fd = -1;
}

struct tl_server *tl_server_current(void)
{
	return current;
}

static const char *server_bin(void)
{
	const char *bin = getenv("CLAIMLINE_BIN");

	return bin && *bin ? bin : NULL;
}

static int make_temp_dir(struct tl_server *s)
{
	const char *tmp = getenv("TMPDIR");

	if (!tmp || !*tmp)
		tmp = "/tmp";
	snprintf(s->dir, sizeof(s->dir), "%s/claimline-test-XXXXXX", tmp);
	if (!mkdtemp(s->dir)) {
		fprintf(stderr, "  mkdtemp %s: %s\n", s->dir, strerror(errno));
		s->dir[0] = '\0';
		return -1;
	}
	snprintf(s->db, sizeof(s->db), "%s/test.db", s->dir);
	snprintf(s->err_path, sizeof(s->err_path), "%s/stderr.log", s->dir);
	return 0;
}

void tl_server_dump_stderr(const struct tl_server *s, size_t max)
{
	FILE *f;
	long size;
	char buf[4096];
	size_t n;

	if (!s->err_path[0])
		return;
	f = fopen(s->err_path, "rb");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	if (size > (long)max)
		fseek(f, size - (long)max, SEEK_SET);
	else
		fseek(f, 0, SEEK_SET);
	fprintf(stderr, "  ---- server stderr (%s%ld bytes) ----\n",
		size > (long)max ? "last part of " : "", size);
	for (;;) {
		n = fread(buf, 1, sizeof(buf), f);
		if (n == 0)
			break;
		fwrite(buf, 1, n, stderr);
	}
	fprintf(stderr, "  ---- end of server stderr ----\n");
	fclose(f);
}

/* Forks and execs the binary with `argv`, stdin /dev/null, stdout to
 * `out_fd`, stderr to `err_fd`.  Returns the pid, or -1. */
static pid_t spawn(char *const *argv, int out_fd, int err_fd)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		/* A test program killed (a timeout, ^C) takes its server
		 * with it: SIGTERM when the parent dies, also if it did so
		 * before this line. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 ||
		    getppid() != parent)
			_exit(126);

		if (nul >= 0)
			dup2(nul, 0);
		dup2(out_fd, 1);
		dup2(err_fd, 2);
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* Reads one line (without the newline) from `fd` into `buf`, waiting at
 * most `timeout_ms`.  Returns 0, or -1 on EOF / timeout / error. */
static int read_line(int fd, char *buf, size_t size, int timeout_ms)
{
	size_t n = 0;
	long long end = tl_now_ms() + timeout_ms;

	while (n + 1 < size) {
		struct pollfd p = {fd, POLLIN, 0};
		long long left = end - tl_now_ms();
		char c;
		ssize_t k;

		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		k = read(fd, &c, 1);
		if (k <= 0)
			return -1;
		if (c == '\n') {
			buf[n] = '\0';
			return 0;
		}
		buf[n++] = c;
	}
	buf[n] = '\0';
	return -1;
}

/* Makes the admin key the request helpers send, in the server's store. */
static int make_key(const char *file, int line, struct tl_server *s)
{
	const char *args[] = {"keys", "add",	 "--db",  s->db, "--name",
			      "test", "--scope", "admin", NULL};
	struct tl_cmd *cmd = tl_run_cmd(args, 30000);
	const char *last = cmd && cmd->out ? strrchr(cmd->out, '\n') : NULL;
	if (!cmd || cmd->code != 0 || !last) {
		tl_fail(file, line, "claimline keys add failed: %s",
			cmd && cmd->err ? cmd->err : "?");
		return -1;
	}
	/* The key is alone on the last line. */
	const char *start = last;
	while (start > cmd->out && start[-1] != '\n')
		start--;
	snprintf(s->key, sizeof(s->key), "%.*s", (int)(last - start), start);
	return 0;
}

int tl_server_start_at(const char *file, int line, struct tl_server *s,
		       const struct tl_server_opts *o)
{
	const char *bin = server_bin();
	char *argv[16];
	char threads[16];
	int pipefd[2], err_fd, argc = 0;
	const char *prefix = "claimline listening on http://127.0.0.1:";
	char *end;
	long port;

	if (!bin) {
		tl_fail(file, line, "CLAIMLINE_BIN is not set");
		return -1;
	}
	if (s->pid > 0) {
		tl_fail(file, line, "server already running");
		return -1;
	}
	if (!s->dir[0] && make_temp_dir(s) < 0) {
		tl_fail(file, line, "cannot make a temp dir");
		return -1;
	}
	if (!s->key[0] && make_key(file, line, s) < 0)
		return -1;
	argv[argc++] = (char *)bin;
	argv[argc++] = "serve";
	argv[argc++] = "--bind";
	argv[argc++] = "127.0.0.1";
	argv[argc++] = "--port";
	argv[argc++] = "0";
	argv[argc++] = "--db";
	argv[argc++] = s->db;
	if (o && o->demo)
		argv[argc++] = "--demo";
	if (o && o->threads > 0) {
		snprintf(threads, sizeof(threads), "%d", o->threads);
		argv[argc++] = "--threads";
		argv[argc++] = threads;
	}
	argv[argc] = NULL;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		tl_fail(file, line, "pipe: %s", strerror(errno));
		return -1;
	}
	err_fd = open(s->err_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		      0600);
	if (err_fd < 0) {
		tl_fail(file, line, "open %s: %s", s->err_path,
			strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	s->pid = spawn(argv, pipefd[1], err_fd);
	close(pipefd[1]);
	close(err_fd);
	if (s->pid < 0) {
		s->pid = 0;
		close(pipefd[0]);
		tl_fail(file, line, "fork: %s", strerror(errno));
		return -1;
	}
	s->out_fd = pipefd[0];

	if (read_line(s->out_fd, s->out_line, sizeof(s->out_line),
		      START_TIMEOUT_MS) < 0) {
		tl_fail(file, line,
			"server did not print its listening line within %d ms "
			"(got \"%s\")",
			START_TIMEOUT_MS, s->out_line);
		tl_server_stop_at(file, line, s);
		tl_server_dump_stderr(s, 16384);
		return -1;
	}
	if (strncmp(s->out_line, prefix, strlen(prefix)) != 0) {
		tl_fail(file, line, "unexpected first stdout line \"%s\"",
			s->out_line);
		tl_server_stop_at(file, line, s);
		return -1;
	}
	errno = 0;
	port = strtol(s->out_line + strlen(prefix), &end, 10);
	if (errno || *end != '\0' || port <= 0 || port > 65535) {
		tl_fail(file, line, "bad port in \"%s\"", s->out_line);
		tl_server_stop_at(file, line, s);
		return -1;
	}
	s->port = (int)port;
	snprintf(s->base, sizeof(s->base), "http://127.0.0.1:%d", s->port);
	current = s;
	return 0;
}

/* Describes a wait status for messages. */
static const char *describe_status(int st)
{
	if (WIFEXITED(st))
		return tl_fmt("exit status %d", WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		return tl_fmt("killed by signal %d (%s)", WTERMSIG(st),
			      strsignal(WTERMSIG(st)));
	return tl_fmt("wait status 0x%x", st);
}

/* Waits for `pid` at most `timeout_ms`; returns 0 and sets *st, or -1. */
static int wait_for(pid_t pid, int *st, int timeout_ms)
{
	long long end = tl_now_ms() + timeout_ms;

	for (;;) {
		pid_t r = waitpid(pid, st, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		if (tl_now_ms() >= end)
			return -1;
		sleep_ms(10);
	}
}

int tl_server_stop_at(const char *file, int line, struct tl_server *s)
{
	int st = 0;
	bool bad = false;

	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	if (wait_for(s->pid, &st, STOP_TIMEOUT_MS) < 0) {
		tl_fail(file, line,
			"server pid %d still running %d ms after SIGTERM; "
			"killing it",
			(int)s->pid, STOP_TIMEOUT_MS);
		kill(s->pid, SIGKILL);
		waitpid(s->pid, &st, 0);
		bad = true;
	} else if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		tl_fail(file, line,
			"server did not shut down cleanly after SIGTERM: %s "
			"(a sanitizer report would be in its stderr)",
			describe_status(st));
		bad = true;
	}
	s->pid = 0;
	if (s->out_fd >= 0) {
		/* The listening line is the only thing stdout may carry. */
		char buf[512];
		ssize_t n = read(s->out_fd, buf, sizeof(buf) - 1);

		if (n > 0) {
			buf[n] = '\0';
			tl_fail(file, line,
				"server wrote more than its listening line to "
				"stdout: \"%s\"",
				buf);
		}
		close(s->out_fd);
		s->out_fd = -1;
	}
	if (bad)
		tl_server_dump_stderr(s, 65536);
	return st;
}

static int remove_entry(const char *path, const struct stat *sb, int flag,
			struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(void *p)
{
	nftw(p, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(p);
}

const char *tl_tempdir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (asprintf(&dir, "%s/claimline-test-XXXXXX", tmp) < 0)
		abort();
	if (!mkdtemp(dir)) {
		tl_fail(__FILE__, __LINE__, "mkdtemp %s: %s", dir,
			strerror(errno));
		free(dir);
		return NULL;
	}
	arena_add(dir, remove_tree);
	return dir;
}

void tl_server_destroy(struct tl_server *s)
{
	if (s->pid > 0)
		tl_server_stop_at(__FILE__, __LINE__, s);
	if (s->dir[0])
		nftw(s->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	if (current == s)
		current = NULL;
	tl_server_init(s);
}

/* ---- running the binary as a command --------------------------------- */

/* Reads from both pipes until both close or `end` passes. */
static void collect(int fds[2], char *buf[2], size_t len[2], long long end)
{
	size_t cap[2] = {0, 0};
	bool open_[2] = {true, true};

	while (open_[0] || open_[1]) {
		struct pollfd p[2];
		long long left = end - tl_now_ms();

		if (left <= 0)
			return;
		for (int i = 0; i < 2; i++) {
			p[i].fd = open_[i] ? fds[i] : -1;
			p[i].events = POLLIN;
			p[i].revents = 0;
		}
		if (poll(p, 2, (int)left) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (!open_[i] || !p[i].revents)
				continue;
			if (len[i] + 4096 > cap[i]) {
				cap[i] = cap[i] ? cap[i] * 2 : 8192;
				buf[i] = realloc(buf[i], cap[i]);
				if (!buf[i])
					abort();
			}
			n = read(fds[i], buf[i] + len[i], cap[i] - len[i] - 1);
			if (n <= 0)
				open_[i] = false;
			else
				len[i] += (size_t)n;
		}
	}
}

struct tl_cmd *tl_run_cmd(const char *const *args, int timeout_ms)
{
	struct tl_cmd *c = xmalloc(sizeof(*c));
	const char *bin = server_bin();
	char *argv[32];
	int outp[2], errp[2], fds[2], argc = 0, st = 0;
	char *buf[2] = {NULL, NULL};
	size_t len[2] = {0, 0};
	long long end = tl_now_ms() + timeout_ms, left;
	pid_t pid;

	memset(c, 0, sizeof(*c));
	arena_add(c, free);
	c->code = -1;
	c->status = -1;
	c->out = (char *)tl_fmt("%s", "");
	c->err = (char *)tl_fmt("%s", "");
	if (!bin) {
		tl_fail(__FILE__, __LINE__, "CLAIMLINE_BIN is not set");
		return c;
	}
	argv[argc++] = (char *)bin;
	for (size_t i = 0; args[i] && argc < 31; i++)
		argv[argc++] = (char *)args[i];
	argv[argc] = NULL;
	if (pipe2(outp, O_CLOEXEC) < 0)
		return c;
	if (pipe2(errp, O_CLOEXEC) < 0) {
		close(outp[0]);
		close(outp[1]);
		return c;
	}
	pid = spawn(argv, outp[1], errp[1]);
	close(outp[1]);
	close(errp[1]);
	if (pid > 0) {
		fds[0] = outp[0];
		fds[1] = errp[0];
		collect(fds, buf, len, end);
		left = end - tl_now_ms();
		if (wait_for(pid, &st, left > 0 ? (int)left : 0) == 0) {
			c->exited = true;
			c->status = st;
			c->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		} else {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
		}
	}
	close(outp[0]);
	close(errp[0]);
	if (buf[0])
		c->out = (char *)tl_fmt("%.*s", (int)len[0], buf[0]);
	if (buf[1])
		c->err = (char *)tl_fmt("%.*s", (int)len[1], buf[1]);
	free(buf[0]);
	free(buf[1]);
	return c;
}

/* ---- HTTP through libcurl -------------------------------------------- */

struct tl_conn {
	CURL *curl;
};

static void resp_free_void(void *p)
{
	struct tl_resp *r = p;

	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
	free(r->body);
	free(r->error);
	free(r->request);
	json_decref(r->json);
	free(r);
}

static struct tl_resp *resp_new(const char *method, const char *path)
{
	struct tl_resp *r = xmalloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->body = xmalloc(1);
	r->body[0] = '\0';
	r->request = xstrdup(tl_fmt("%s %s", method, path));
	r->item = arena_add(r, resp_free_void);
	return r;
}

void tl_resp_free(struct tl_resp *r)
{
	if (r)
		arena_release(r->item);
}

static void resp_append(struct tl_resp *r, const char *data, size_t n)
{
	char *nb = realloc(r->body, r->body_len + n + 1);

	if (!nb)
		abort();
	memcpy(nb + r->body_len, data, n);
	r->body = nb;
	r->body_len += n;
	r->body[r->body_len] = '\0';
}

static void resp_add_header(struct tl_resp *r, const char *name, size_t nlen,
			    const char *value, size_t vlen)
{
	struct tl_header *h;

	h = realloc(r->headers, (r->nheaders + 1) * sizeof(*h));
	if (!h)
		abort();
	r->headers = h;
	h[r->nheaders].name = strndup(name, nlen);
	h[r->nheaders].value = strndup(value, vlen);
	r->nheaders++;
}

static void resp_clear_headers(struct tl_resp *r)
{
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	r->nheaders = 0;
}

/* Parses one "Name: value" line (no CR LF) into the response. */
static void resp_header_line(struct tl_resp *r, const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	const char *v, *e = line + n;

	if (!colon)
		return;
	v = colon + 1;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	while (e > v && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	resp_add_header(r, line, (size_t)(colon - line), v, (size_t)(e - v));
}

const char *tl_header(const struct tl_resp *r, const char *name)
{
	for (size_t i = 0; r && i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	resp_append(ud, data, size * nmemb);
	return size * nmemb;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct tl_resp *r = ud;
	size_t n = size * nmemb, len = n;

	while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
		len--;
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0)
		resp_clear_headers(r); /* a new response (after 100) */
	else if (len > 0)
		resp_header_line(r, data, len);
	return n;
}

/* Parses the body as JSON and checks the rule that every body is JSON
 * with a JSON content type. */
static void resp_parse_json(struct tl_resp *r, bool check)
{
	json_error_t err;
	const char *ct;

	if (r->body_len == 0)
		return;
	r->json = json_loadb(r->body, r->body_len, JSON_DECODE_ANY, &err);
	if (!check)
		return;
	if (!r->json)
		tl_fail(__FILE__, __LINE__,
			"%s -> %ld: body is not JSON (%s): %s", r->request,
			r->status, err.text, excerpt(r));
	ct = tl_header(r, "Content-Type");
	if (!ct || (strncmp(ct, TL_JSON, strlen(TL_JSON)) != 0 &&
		    strncmp(ct, TL_PROBLEM, strlen(TL_PROBLEM)) != 0))
		tl_fail(__FILE__, __LINE__,
			"%s -> %ld: body with Content-Type \"%s\"", r->request,
			r->status, ct ? ct : "(none)");
}

struct tl_conn *tl_conn_new(void)
{
	struct tl_conn *c = xmalloc(sizeof(*c));

	c->curl = curl_easy_init();
	if (!c->curl)
		abort();
	return c;
}

void tl_conn_free(struct tl_conn *c)
{
	if (!c)
		return;
	curl_easy_cleanup(c->curl);
	free(c);
}

struct tl_resp *tl_conn_request(struct tl_conn *c, const char *method,
				const char *path, const char *ctype,
				const char *body, long body_len,
				const char *const *headers)
{
	struct tl_resp *r = resp_new(method, path);
	struct curl_slist *hl = NULL;
	struct tl_server *s = current;
	char errbuf[CURL_ERROR_SIZE] = "";
	CURL *h = c->curl;
	CURLcode rc;

	if (!s) {
		r->error = xstrdup("no server running");
		tl_fail(__FILE__, __LINE__, "%s: no server running",
			r->request);
		return r;
	}
	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, tl_fmt("%s%s", s->base, path));
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)REQUEST_TIMEOUT_MS);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	else if (strcmp(method, "GET") != 0)
		curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body) {
		curl_off_t n = body_len < 0 ? (curl_off_t)strlen(body)
					    : (curl_off_t)body_len;

		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, n);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
	}
	/* No 100-continue dance, and no form content type from curl. */
	hl = curl_slist_append(hl, "Expect:");
	hl = curl_slist_append(hl, ctype ? tl_fmt("Content-Type: %s", ctype)
					 : "Content-Type:");
	bool own_auth = false;
	for (size_t i = 0; headers && headers[i]; i++) {
		hl = curl_slist_append(hl, headers[i]);
		own_auth = own_auth ||
			   strncasecmp(headers[i], "Authorization:", 14) == 0;
	}
	if (!own_auth && s->key[0])
		hl = curl_slist_append(
			hl, tl_fmt("Authorization: Bearer %s", s->key));
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hl);

	rc = curl_easy_perform(h);
	curl_slist_free_all(hl);
	if (rc != CURLE_OK) {
		r->error = xstrdup(errbuf[0] ? errbuf : curl_easy_strerror(rc));
		r->status = 0;
		return r;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	resp_parse_json(r, true);
	return r;
}

struct tl_resp *tl_request(const char *method, const char *path,
			   const char *ctype, const char *body, long body_len,
			   const char *const *headers)
{
	struct tl_conn *c = tl_conn_new();
	struct tl_resp *r;

	r = tl_conn_request(c, method, path, ctype, body, body_len, headers);
	tl_conn_free(c);
	return r;
}

struct tl_resp *tl_get(const char *path)
{
	return tl_request("GET", path, NULL, NULL, 0, NULL);
}

struct tl_resp *tl_post(const char *path, const char *body)
{
	return tl_request("POST", path, TL_JSON, body, -1, NULL);
}

struct tl_resp *tl_put(const char *path, const char *body)
{
	return tl_request("PUT", path, TL_JSON, body, -1, NULL);
}

struct tl_resp *tl_patch(const char *path, const char *body)
{
	return tl_request("PATCH", path, TL_MERGE, body, -1, NULL);
}

struct tl_resp *tl_delete(const char *path)
{
	return tl_request("DELETE", path, NULL, NULL, 0, NULL);
}

/* ---- HTTP through a raw socket --------------------------------------- */

/* Decodes a chunked body from `p` (n bytes) into r; returns 1 when the
 * last chunk was seen, 0 when more is needed. */
static int dechunk(struct tl_resp *r, const char *p, size_t n)
{
	size_t i = 0;

	r->body_len = 0;
	r->body[0] = '\0';
	for (;;) {
		const char *eol = NULL;
		size_t sz;
		char *end;

		for (size_t j = i; j + 1 < n; j++)
			if (p[j] == '\r' && p[j + 1] == '\n') {
				eol = p + j;
				break;
			}
		if (!eol)
			return 0;
		sz = strtoul(p + i, &end, 16);
		i = (size_t)(eol - p) + 2;
		if (sz == 0)
			return 1;
		if (i + sz + 2 > n)
			return 0;
		resp_append(r, p + i, sz);
		i += sz + 2;
	}
}

/* Parses what arrived so far; returns 1 when the response is complete. */
static int parse_raw(struct tl_resp *r, const char *buf, size_t n, bool eof)
{
	const char *end = NULL, *line, *te, *cl;
	size_t body_at;

	for (size_t i = 0; i + 3 < n; i++)
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			end = buf + i;
			break;
		}
	if (!end)
		return 0;
	body_at = (size_t)(end - buf) + 4;
	resp_clear_headers(r);
	if (sscanf(buf, "HTTP/%*d.%*d %ld", &r->status) != 1)
		r->status = 0;
	line = memchr(buf, '\n', n);
	while (line && line + 1 < end) {
		const char *next = memchr(line + 1, '\n', (size_t)(end - line));
		const char *stop = next ? next - 1 : end;

		if (!next || next > end)
			stop = end;
		resp_header_line(r, line + 1, (size_t)(stop - line - 1));
		line = (next && next < end) ? next : NULL;
	}
	te = tl_header(r, "Transfer-Encoding");
	cl = tl_header(r, "Content-Length");
	r->body_len = 0;
	r->body[0] = '\0';
	if (te && strcasestr(te, "chunked"))
		return dechunk(r, buf + body_at, n - body_at) || eof;
	if (cl) {
		size_t want = strtoul(cl, NULL, 10);

		if (n - body_at < want)
			return eof;
		resp_append(r, buf + body_at, want);
		return 1;
	}
	resp_append(r, buf + body_at, n - body_at);
	return eof;
}

int tl_raw_connect(void)
{
	struct tl_server *s = current;
	struct sockaddr_in sa;
	int fd;

	if (!s) {
		tl_fail(__FILE__, __LINE__, "no server running");
		return -1;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)s->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		tl_fail(__FILE__, __LINE__, "connect: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sends `len` bytes while watching for an answer; reads the answer. */
static struct tl_resp *raw_exchange(const char *what, const char *bytes,
				    size_t len, int timeout_ms, size_t *sent)
{
	struct tl_resp *r = resp_new("RAW", what);
	struct tl_server *s = current;
	struct sockaddr_in sa;
	char *in = NULL;
	size_t in_len = 0, in_cap = 0, off = 0;
	long long deadline = tl_now_ms() + timeout_ms;
	bool eof = false;
	int fd;

	if (sent)
		*sent = 0;
	if (!s) {
		r->error = xstrdup("no server running");
		return r;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)s->port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r->error = xstrdup(strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	while (!eof) {
		struct pollfd p = {fd, POLLIN, 0};
		long long left = deadline - tl_now_ms();
		int k;

		if (left <= 0)
			break;
		if (off < len)
			p.events |= POLLOUT;
		k = poll(&p, 1, (int)left);
		if (k <= 0)
			continue;
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n;

			if (in_len + 65536 > in_cap) {
				in_cap = in_cap ? in_cap * 2 : 131072;
				in = realloc(in, in_cap);
				if (!in)
					abort();
			}
			n = recv(fd, in + in_len, in_cap - in_len - 1, 0);
			if (n > 0) {
				in_len += (size_t)n;
				off = len; /* the server answered: stop */
				if (parse_raw(r, in, in_len, false))
					break;
			} else if (n == 0 ||
				   (errno != EAGAIN && errno != EINTR)) {
				eof = true;
			}
			continue;
		}
		if (p.revents & POLLOUT) {
			ssize_t n =
				send(fd, bytes + off, len - off, MSG_NOSIGNAL);

			if (n > 0)
				off += (size_t)n;
			else if (errno != EAGAIN && errno != EINTR)
				off = len; /* closed on us; read what came */
		}
	}
	if (sent)
		*sent = off;
	if (in_len > 0)
		parse_raw(r, in, in_len, true);
	else
		r->error = xstrdup("no answer");
	free(in);
	close(fd);
	resp_parse_json(r, false);
	return r;
}

struct tl_resp *tl_raw(const void *bytes, size_t len, int timeout_ms)
{
	const char *b = bytes;
	const char *eol = memchr(b, '\r', len);
	int n = eol ? (int)(eol - b) : (int)(len < 40 ? len : 40);

	return raw_exchange(tl_fmt("%.*s", n, b), b, len, timeout_ms, NULL);
}

struct tl_resp *tl_raw_stream(const char *head, size_t body_len, char fill,
			      size_t chunk, int timeout_ms, size_t *sent)
{
	size_t hl = strlen(head), cap = hl + body_len + 64;
	size_t n = hl;
	const char *eol = strchr(head, '\r');
	struct tl_resp *r;
	char *msg;

	if (chunk > 0)
		cap += (body_len / chunk + 1) * 24;
	msg = xmalloc(cap);
	memcpy(msg, head, hl);
	if (chunk == 0) {
		memset(msg + n, fill, body_len);
		n += body_len;
	} else {
		for (size_t done = 0; done < body_len;) {
			size_t c = body_len - done < chunk ? body_len - done
							   : chunk;

			n += (size_t)sprintf(msg + n, "%zx\r\n", c);
			memset(msg + n, fill, c);
			n += c;
			memcpy(msg + n, "\r\n", 2);
			n += 2;
			done += c;
		}
		memcpy(msg + n, "0\r\n\r\n", 5);
		n += 5;
	}
	r = raw_exchange(tl_fmt("%.*s", eol ? (int)(eol - head) : 40, head),
			 msg, n, timeout_ms, sent);
	free(msg);
	return r;
}

/* ---- JSON helpers ---------------------------------------------------- */

json_t *tl_at(json_t *root, const char *ptr)
{
	json_t *v = root;
	const char *p = ptr;

	if (!v || !ptr)
		return NULL;
	while (*p) {
		char tok[256];
		size_t n = 0;

		if (*p != '/')
			return NULL;
		p++;
		while (*p && *p != '/' && n + 1 < sizeof(tok)) {
			if (p[0] == '~' && p[1] == '1') {
				tok[n++] = '/';
				p += 2;
			} else if (p[0] == '~' && p[1] == '0') {
				tok[n++] = '~';
				p += 2;
			} else {
				tok[n++] = *p++;
			}
		}
		tok[n] = '\0';
		if (json_is_object(v)) {
			v = json_object_get(v, tok);
		} else if (json_is_array(v)) {
			char *end;
			unsigned long i = strtoul(tok, &end, 10);

			if (!n || *end)
				return NULL;
			v = json_array_get(v, i);
		} else {
			return NULL;
		}
		if (!v)
			return NULL;
	}
	return v;
}

const char *tl_str(json_t *root, const char *ptr)
{
	return json_string_value(tl_at(root, ptr));
}

json_t *tl_json(const char *text)
{
	json_error_t err;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &err);

	if (!v) {
		fprintf(stderr, "testlib: bad JSON in a test: %s: %s\n",
			err.text, text);
		abort();
	}
	arena_add(v, json_decref_void);
	return v;
}

bool tl_json_like(json_t *got, json_t *want)
{
	const char *k;
	json_t *v;
	size_t i;

	if (!got || !want)
		return got == want;
	if (json_is_object(want)) {
		if (!json_is_object(got))
			return false;
		json_object_foreach(
			want, k, v) if (!tl_json_like(json_object_get(got, k),
						      v)) return false;
		json_object_foreach(got, k,
				    v) if (!json_object_get(want, k) &&
					   !json_is_null(v)) return false;
		return true;
	}
	if (json_is_array(want)) {
		if (!json_is_array(got) ||
		    json_array_size(got) != json_array_size(want))
			return false;
		json_array_foreach(want, i,
				   v) if (!tl_json_like(json_array_get(got, i),
							v)) return false;
		return true;
	}
	return json_equal(got, want);
}

/* Compact JSON text of `v` for messages (arena-owned). */
static const char *dump(json_t *v)
{
	char *s;

	if (!v)
		return "(absent)";
	s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
	if (!s)
		return "(unprintable)";
	arena_add(s, free);
	return s;
}

bool tl_check_bad_param_at(const char *file, int line, const char *path,
			   const char *name)
{
	struct tl_resp *r = tl_get(path);

	return tl_check_problem(file, line, r, 422, "validation-failed") &&
	       tl_check_error_at(file, line, r, "parameter", name);
}

const char *tl_page_ids_at(const char *file, int line, const char *path)
{
	struct tl_resp *r = tl_get(path);

	if (!tl_check_status(file, line, r, 200))
		return "(error)";
	return tl_ids(tl_at(r->json, "/items"));
}

long tl_count_at(const char *file, int line, const char *path)
{
	struct tl_resp *r = tl_get(
		tl_fmt("%s%climit=500", path, strchr(path, '?') ? '&' : '?'));

	if (!tl_check_status(file, line, r, 200))
		return -1;
	return (long)json_array_size(tl_at(r->json, "/items"));
}

const char *tl_ids(json_t *arr)
{
	size_t i, len = 0;
	json_t *it;
	char *out;

	if (!json_is_array(arr))
		return NULL;
	json_array_foreach(arr, i, it)
	{
		const char *id = tl_str(it, "/id");

		len += (id ? strlen(id) : 6) + 1;
	}
	out = xmalloc(len + 1);
	out[0] = '\0';
	json_array_foreach(arr, i, it)
	{
		const char *id = tl_str(it, "/id");

		if (i)
			strcat(out, ",");
		strcat(out, id ? id : "(null)");
	}
	arena_add(out, free);
	return out;
}

/* ---- checks ---------------------------------------------------------- */

bool tl_check_true(const char *file, int line, bool ok, const char *expr)
{
	if (!ok)
		tl_fail(file, line, "CHECK(%s) failed", expr);
	return ok;
}

bool tl_check_int(const char *file, int line, long long got, long long want,
		  const char *expr)
{
	if (got == want)
		return true;
	tl_fail(file, line, "%s: got %lld, want %lld", expr, got, want);
	return false;
}

bool tl_check_str(const char *file, int line, const char *got, const char *want,
		  const char *expr)
{
	if (got && want && strcmp(got, want) == 0)
		return true;
	if (!got && !want)
		return true;
	tl_fail(file, line, "%s: got %s%s%s, want %s%s%s", expr,
		got ? "\"" : "", got ? got : "NULL", got ? "\"" : "",
		want ? "\"" : "", want ? want : "NULL", want ? "\"" : "");
	return false;
}

bool tl_check_status(const char *file, int line, const struct tl_resp *r,
		     long want)
{
	if (r->status == want)
		return true;
	if (r->error)
		tl_fail(file, line, "%s: want status %ld, request failed: %s",
			r->request, want, r->error);
	else
		tl_fail(file, line, "%s: got status %ld, want %ld; body: %s",
			r->request, r->status, want, excerpt(r));
	return false;
}

bool tl_check_json(const char *file, int line, json_t *root, const char *ptr,
		   const char *want_json)
{
	json_t *got = tl_at(root, ptr);
	json_t *want = tl_json(want_json);

	if (got && json_equal(got, want))
		return true;
	tl_fail(file, line, "at \"%s\": got %s, want %s", ptr, dump(got),
		dump(want));
	return false;
}

bool tl_check_same(const char *file, int line, json_t *got, json_t *want,
		   const char *expr)
{
	if (got && want && json_equal(got, want))
		return true;
	tl_fail(file, line, "%s: got %s, want %s", expr, dump(got), dump(want));
	return false;
}

bool tl_check_json_like(const char *file, int line, json_t *root,
			const char *ptr, const char *want_json)
{
	json_t *got = tl_at(root, ptr);
	json_t *want = tl_json(want_json);

	if (tl_json_like(got, want))
		return true;
	tl_fail(file, line, "at \"%s\": got %s, want (nulls aside) %s", ptr,
		dump(got), dump(want));
	return false;
}

bool tl_check_keys(const char *file, int line, json_t *obj,
		   const char *const *keys)
{
	bool ok = true;
	const char *k;
	json_t *v;
	size_t n = 0;

	if (!json_is_object(obj)) {
		tl_fail(file, line, "not an object: %s", dump(obj));
		return false;
	}
	for (size_t i = 0; keys[i]; i++, n++)
		if (!json_object_get(obj, keys[i])) {
			tl_fail(file, line, "member \"%s\" missing in %s",
				keys[i], dump(obj));
			ok = false;
		}
	json_object_foreach(obj, k, v)
	{
		bool known = false;

		for (size_t i = 0; keys[i]; i++)
			if (strcmp(keys[i], k) == 0)
				known = true;
		if (!known) {
			tl_fail(file, line, "unexpected member \"%s\" in %s", k,
				dump(obj));
			ok = false;
		}
	}
	(void)n;
	return ok;
}

bool tl_check_problem(const char *file, int line, const struct tl_resp *r,
		      long status, const char *slug)
{
	const char *ct = tl_header(r, "Content-Type");
	const char *type = tl_str(r->json, "/type");
	const char *want_type = tl_fmt("/problems/%s", slug);
	json_t *errors = tl_at(r->json, "/errors");
	bool ok = tl_check_status(file, line, r, status);

	/* Not a problem document at all: the status message says it. */
	if (!ok && !type)
		return false;
	if (!ct || strncmp(ct, TL_PROBLEM, strlen(TL_PROBLEM)) != 0) {
		tl_fail(file, line, "%s: Content-Type \"%s\", want %s",
			r->request, ct ? ct : "(none)", TL_PROBLEM);
		ok = false;
	}
	if (!type || strcmp(type, want_type) != 0) {
		tl_fail(file, line,
			"%s: problem type %s%s%s, want \"%s\"; "
			"body: %s",
			r->request, type ? "\"" : "", type ? type : "absent",
			type ? "\"" : "", want_type, excerpt(r));
		ok = false;
	}
	if (!json_is_string(tl_at(r->json, "/title")) ||
	    !*tl_str(r->json, "/title")) {
		tl_fail(file, line, "%s: problem without a title", r->request);
		ok = false;
	}
	if (json_integer_value(tl_at(r->json, "/status")) != status ||
	    !json_is_integer(tl_at(r->json, "/status"))) {
		tl_fail(file, line, "%s: problem member status %s, want %ld",
			r->request, dump(tl_at(r->json, "/status")), status);
		ok = false;
	}
	if (!json_is_string(tl_at(r->json, "/detail"))) {
		tl_fail(file, line, "%s: problem without a detail string",
			r->request);
		ok = false;
	}
	if (errors && !json_is_array(errors)) {
		tl_fail(file, line, "%s: errors is not an array", r->request);
		ok = false;
	}
	return ok;
}

bool tl_check_error_at(const char *file, int line, const struct tl_resp *r,
		       const char *key, const char *value)
{
	json_t *errors = tl_at(r->json, "/errors"), *e;
	size_t i;

	json_array_foreach(errors, i, e)
	{
		const char *v = tl_str(e, tl_fmt("/%s", key));

		if (v && strcmp(v, value) == 0) {
			if (!json_is_string(json_object_get(e, "detail"))) {
				tl_fail(file, line,
					"%s: error entry for %s \"%s\" has no "
					"detail",
					r->request, key, value);
				return false;
			}
			return true;
		}
	}
	tl_fail(file, line, "%s: no error with %s \"%s\"; status %ld, body: %s",
		r->request, key, value, r->status, excerpt(r));
	return false;
}

bool tl_check_errors_exactly(const char *file, int line,
			     const struct tl_resp *r, const char *key,
			     const char *const *values)
{
	json_t *errors = tl_at(r->json, "/errors"), *e;
	size_t i, want = 0;
	bool ok = true;

	for (size_t j = 0; values[j]; j++, want++)
		if (!tl_check_error_at(file, line, r, key, values[j]))
			ok = false;
	if (!json_is_array(errors))
		return false;
	json_array_foreach(errors, i, e)
	{
		const char *v = tl_str(e, tl_fmt("/%s", key));
		int seen = 0;

		for (size_t j = 0; values[j]; j++)
			if (v && strcmp(v, values[j]) == 0)
				seen++;
		if (!seen) {
			tl_fail(file, line, "%s: unexpected error entry %s",
				r->request, dump(e));
			ok = false;
		}
	}
	if (json_array_size(errors) != want) {
		tl_fail(file, line, "%s: %zu error entries, want %zu: %s",
			r->request, json_array_size(errors), want,
			dump(errors));
		ok = false;
	}
	return ok;
}

/* ---- resource helpers ------------------------------------------------ */

const char *tl_create_at(const char *file, int line, const char *collection,
			 const char *body)
{
	struct tl_resp *r = tl_post(collection, body);
	const char *id = tl_str(r->json, "/id");
	const char *loc = tl_header(r, "Location");

	if (!tl_check_status(file, line, r, 201) || !id)
		return NULL;
	if (!loc || strcmp(loc, tl_fmt("%s/%s", collection, id)) != 0) {
		tl_fail(file, line, "POST %s: Location %s, want %s/%s",
			collection, loc ? loc : "(none)", collection, id);
		return NULL;
	}
	return tl_fmt("%s", id);
}

json_t *tl_list_all_at(const char *file, int line, const char *path, int limit)
{
	json_t *all = json_array();
	const char *cursor = NULL;
	char sep = strchr(path, '?') ? '&' : '?';

	arena_add(all, json_decref_void);
	for (int page = 0; page < 100000; page++) {
		const char *url;
		struct tl_resp *r;
		json_t *items, *next;
		const char *link;

		if (cursor) {
			char *esc = curl_easy_escape(NULL, cursor, 0);

			url = tl_fmt("%s%climit=%d&cursor=%s", path, sep, limit,
				     esc);
			curl_free(esc);
		} else {
			url = tl_fmt("%s%climit=%d", path, sep, limit);
		}
		r = tl_get(url);
		if (!tl_check_status(file, line, r, 200))
			return NULL;
		items = tl_at(r->json, "/items");
		next = tl_at(r->json, "/next_cursor");
		if (!json_is_array(items) ||
		    !(json_is_null(next) || json_is_string(next))) {
			tl_fail(file, line, "GET %s: not a list page: %s", url,
				excerpt(r));
			return NULL;
		}
		if (json_array_size(items) > (size_t)limit) {
			tl_fail(file, line, "GET %s: %zu items > limit %d", url,
				json_array_size(items), limit);
			return NULL;
		}
		json_array_extend(all, items);
		link = tl_header(r, "Link");
		if (json_is_null(next)) {
			if (link && strstr(link, "rel=\"next\"")) {
				tl_fail(file, line,
					"GET %s: Link %s on the last page", url,
					link);
				return NULL;
			}
			tl_resp_free(r);
			return all;
		}
		if (!link || !strstr(link, "rel=\"next\"") ||
		    !strstr(link, "cursor=")) {
			tl_fail(file, line,
				"GET %s: next_cursor set but Link is %s", url,
				link ? link : "(none)");
			return NULL;
		}
		if (json_array_size(items) == 0) {
			tl_fail(file, line,
				"GET %s: empty page with a next_cursor", url);
			return NULL;
		}
		cursor = tl_fmt("%s", json_string_value(next));
		tl_resp_free(r);
	}
	tl_fail(file, line, "GET %s: too many pages", path);
	return NULL;
}

/* ---- the runner ------------------------------------------------------ */

static bool selected(int argc, char **argv, const char *name)
{
	if (argc <= 1)
		return true;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int tl_main(int argc, char **argv, const struct tl_test *tests)
{
	int failed = 0, ran = 0;

	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (curl_global_init(CURL_GLOBAL_ALL) != 0) {
		fprintf(stderr, "curl_global_init failed\n");
		return 1;
	}
	for (const struct tl_test *t = tests; t->name; t++) {
		struct tl_server srv;
		struct tl_server_opts o = {.demo = (t->flags & TL_DEMO) != 0};
		long long t0 = tl_now_ms();
		int before;

		if (!selected(argc, argv, t->name))
			continue;
		ran++;
		pthread_mutex_lock(&lock);
		failures = 0;
		pthread_mutex_unlock(&lock);
		fprintf(stderr, "-- %s\n", t->name);
		tl_server_init(&srv);
		if (t->flags & TL_NO_SERVER) {
			t->fn(NULL);
		} else if (tl_server_start(&srv, &o) == 0) {
			t->fn(&srv);
		}
		before = tl_failures();
		if (srv.pid > 0)
			tl_server_stop(&srv);
		/* stop prints stderr itself when the exit was bad */
		if (before > 0 && tl_failures() == before)
			tl_server_dump_stderr(&srv, 32768);
		tl_server_destroy(&srv);
		arena_clear();
		if (tl_failures() > 0) {
			failed++;
			printf("FAIL %s (%d failed checks, %lld ms)\n", t->name,
			       tl_failures(), tl_now_ms() - t0);
		} else {
			printf("ok   %s (%lld ms)\n", t->name,
			       tl_now_ms() - t0);
		}
	}
	curl_global_cleanup();
	if (ran == 0) {
		fprintf(stderr, "no test matched\n");
		return 1;
	}
	printf("%d of %d tests failed\n", failed, ran);
	return failed ? 1 : 0;
}
