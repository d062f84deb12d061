/*
 * Operations test helpers (see opslib.h).
 */
#include "tests/ops/opslib.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Writes a shell script that execs `bin` with its arguments, and for
 * `serve` also `flags` (single-quoted).  Returns its path, or NULL. */
static const char *wrapper(const char *bin, const char *const *flags)
{
	const char *dir = tl_tempdir();
	if (!dir)
		return NULL;
	const char *path = tl_fmt("%s/claimline-wrapper", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return NULL;
	/* Only `serve` takes the flags (the runner also runs `keys`). */
	fprintf(f, "#!/bin/sh\n[ \"$1\" = serve ] || exec '%s' \"$@\"\n", bin);
	fprintf(f, "exec '%s' \"$@\"", bin);
	for (size_t i = 0; flags[i]; i++) {
		fputs(" '", f);
		for (const char *p = flags[i]; *p; p++)
			if (*p == '\'')
				fputs("'\\''", f);
			else
				fputc(*p, f);
		fputc('\'', f);
	}
	fputc('\n', f);
	fclose(f);
	chmod(path, 0700);
	return path;
}

int ops_start_at(const char *file, int line, struct tl_server *s,
		 const struct tl_server_opts *o, const char *const *env,
		 const char *const *flags)
{
	const char *bin = getenv("CLAIMLINE_BIN");
	char *saved_bin = bin ? strdup(bin) : NULL;
	int rc = -1;

	if (!saved_bin) {
		tl_fail(file, line, "CLAIMLINE_BIN is not set");
		return -1;
	}
	for (size_t i = 0; env && env[i]; i++)
		putenv((char *)env[i]);
	if (flags && flags[0]) {
		const char *w = wrapper(saved_bin, flags);
		if (!w) {
			tl_fail(file, line, "cannot write the wrapper script");
			goto done;
		}
		setenv("CLAIMLINE_BIN", w, 1);
	}
	rc = tl_server_start_at(file, line, s, o);
done:
	setenv("CLAIMLINE_BIN", saved_bin, 1);
	for (size_t i = 0; env && env[i]; i++) {
		char name[128];
		const char *eq = strchr(env[i], '=');
		size_t n = eq ? (size_t)(eq - env[i]) : strlen(env[i]);
		snprintf(name, sizeof(name), "%.*s", (int)n, env[i]);
		unsetenv(name);
	}
	free(saved_bin);
	return rc;
}

int ops_connect(int port)
{
	return ops_connect_from(port, NULL);
}

int ops_connect_from(int port, const char *from)
{
	struct sockaddr_in sa;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (from) {
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		if (inet_pton(AF_INET, from, &sa.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
			close(fd);
			return -1;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int ops_send(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, data, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* True when `buf` holds a whole response: headers and, when announced,
 * the Content-Length body. */
static bool complete(const char *buf, size_t n)
{
	const char *end = strstr(buf, "\r\n\r\n");
	if (!end)
		return false;
	size_t head = (size_t)(end - buf) + 4;
	const char *cl = strcasestr(buf, "\r\nContent-Length:");
	if (!cl || cl > end)
		return true;
	return n >= head + strtoul(cl + 17, NULL, 10);
}

int ops_read_response(int fd, int timeout_ms, const char **raw)
{
	char buf[65536];
	size_t n = 0;
	long long deadline = tl_now_ms() + timeout_ms;
	int status = -1;

	buf[0] = '\0';
	for (;;) {
		long long left = deadline - tl_now_ms();
		struct pollfd p = {fd, POLLIN, 0};
		if (left <= 0)
			break;
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		ssize_t k = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);
		if (k <= 0) {
			status = 0;
			break;
		}
		n += (size_t)k;
		buf[n] = '\0';
		if (complete(buf, n) || n == sizeof(buf) - 1) {
			status = 0;
			break;
		}
	}
	if (n > 12 && strncmp(buf, "HTTP/1.", 7) == 0)
		status = atoi(buf + 9);
	if (raw)
		*raw = tl_fmt("%s", buf);
	return status;
}

int ops_wait_exit(struct tl_server *s, int timeout_ms)
{
	long long end = tl_now_ms() + timeout_ms;
	int st = -1;
	struct timespec tick = {0, 10 * 1000 * 1000};

	if (s->pid <= 0)
		return -1;
	for (;;) {
		pid_t r = waitpid(s->pid, &st, WNOHANG);
		if (r == s->pid)
			break;
		if (tl_now_ms() >= end) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &st, 0);
			st = -1;
			break;
		}
		nanosleep(&tick, NULL);
	}
	s->pid = 0;
	if (s->out_fd >= 0) {
		close(s->out_fd);
		s->out_fd = -1;
	}
	return st;
}

const char *ops_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0;
	if (!f)
		return NULL;
	FILE *mem = open_memstream(&buf, &len);
	char chunk[4096];
	for (;;) {
		size_t k = fread(chunk, 1, sizeof(chunk), f);
		if (k == 0)
			break;
		fwrite(chunk, 1, k, mem);
	}
	fclose(f);
	fclose(mem);
	const char *copy = tl_fmt("%s", buf ? buf : "");
	free(buf);
	return copy;
}

int ops_run(const char *const *argv, const char *input, int timeout_ms,
	    const char **out)
{
	const char *dir = tl_tempdir();
	if (!dir)
		return -1;
	const char *log = tl_fmt("%s/output", dir);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		/* Ends with the test program, as testlib's servers do. */
		if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 ||
		    getppid() != parent)
			_exit(126);
		int in = open(input ? input : "/dev/null", O_RDONLY);
		int o = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (in < 0 || o < 0)
			_exit(126);
		dup2(in, 0);
		dup2(o, 1);
		dup2(o, 2);
		execvp(argv[0], (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", argv[0],
			strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		return -1;
	long long end = tl_now_ms() + timeout_ms;
	struct timespec tick = {0, 10 * 1000 * 1000};
	int st = 0;
	while (waitpid(pid, &st, WNOHANG) != pid) {
		if (tl_now_ms() >= end) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			*out = ops_read_file(log);
			return -1;
		}
		nanosleep(&tick, NULL);
	}
	*out = ops_read_file(log);
	if (!*out)
		*out = "";
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

double ops_metric(const char *sample)
{
	static const char get[] =
		"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	struct tl_resp *r = tl_raw(get, strlen(get), 10000);
	const char *p =
		r->body ? strstr(r->body, tl_fmt("\n%s ", sample)) : NULL;
	return p ? atof(p + strlen(sample) + 2) : -1;
}
