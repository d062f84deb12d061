/*
 * Startup timer: runs a server command, reads its stdout until the line
 * that says it is listening, and prints the milliseconds from exec to that
 * line; then stops the server with SIGTERM and waits for it.
 *
 *   bench-startup TIMEOUT_S COMMAND [ARG...]
 * Prints "<ms> <the listening line>"; exits 1 when no line came in time.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fputs("usage: bench-startup TIMEOUT_S COMMAND [ARG...]\n",
		      stderr);
		return 2;
	}
	unsigned timeout = (unsigned)atoi(argv[1]);
	int fds[2];
	if (pipe(fds) != 0)
		return 1;
	double t0 = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	close(fds[1]);
	/* A stuck server is killed by the alarm, not waited on forever. */
	alarm(timeout);
	FILE *in = fdopen(fds[0], "r");
	char line[512];
	int rc = 1;
	while (fgets(line, sizeof(line), in)) {
		if (strstr(line, "listening")) {
			printf("%.1f %s", now_ms() - t0, line);
			rc = 0;
			break;
		}
	}
	alarm(0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	fclose(in);
	return rc;
}
