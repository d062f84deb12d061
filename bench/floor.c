/*
 * The floor: the least an MHD server can do per request.  It answers fixed
 * JSON bodies read from files at start, one path per file, with the same
 * threading as claimline (internal polling thread, epoll, a pool of one
 * thread per core) and the same keep-alive behaviour, so the benchmark can
 * say how close claimline comes to the cost of HTTP alone.
 *
 *   bench-floor --port N [--threads N] /path=FILE ...
 * Prints "floor listening on http://127.0.0.1:PORT" once ready; SIGTERM or
 * SIGINT stops it.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PATHS 16

struct fixed {
	const char *path;
	struct MHD_Response *resp;
};

static struct fixed fixed[MAX_PATHS];
static size_t nfixed;
static struct MHD_Response *not_found;

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	(void)cls;
	(void)method;
	(void)version;
	(void)upload;
	/* Like claimline: answer on the last call, once any body is read. */
	if (!*state) {
		*state = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	for (size_t i = 0; i < nfixed; i++)
		if (strcmp(url, fixed[i].path) == 0)
			return MHD_queue_response(conn, MHD_HTTP_OK,
						  fixed[i].resp);
	return MHD_queue_response(conn, MHD_HTTP_NOT_FOUND, not_found);
}

static char *slurp(const char *file, size_t *len)
{
	FILE *f = fopen(file, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *p = malloc((size_t)n + 1);
	if (p && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

int main(int argc, char **argv)
{
	int port = 0;
	unsigned threads = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
			port = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			threads = (unsigned)atoi(argv[++i]);
		} else {
			char *eq = strchr(argv[i], '=');
			size_t len = 0;
			char *data = eq ? slurp(eq + 1, &len) : NULL;
			if (!eq || argv[i][0] != '/' || !data ||
			    nfixed == MAX_PATHS) {
				fprintf(stderr,
					"bench-floor: bad argument %s\n",
					argv[i]);
				return 2;
			}
			*eq = '\0';
			fixed[nfixed].path = argv[i];
			fixed[nfixed].resp = MHD_create_response_from_buffer(
				len, data, MHD_RESPMEM_MUST_FREE);
			MHD_add_response_header(fixed[nfixed].resp,
						MHD_HTTP_HEADER_CONTENT_TYPE,
						"application/json");
			nfixed++;
		}
	}
	not_found = MHD_create_response_from_buffer(2, (void *)"{}",
						    MHD_RESPMEM_PERSISTENT);

	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	struct sockaddr_in addr = {.sin_family = AF_INET,
				   .sin_port = htons((uint16_t)port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof(addr);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(fd, 1024) ||
	    getsockname(fd, (struct sockaddr *)&addr, &alen)) {
		perror("bench-floor: listen");
		return 1;
	}
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
			MHD_USE_ERROR_LOG,
		0, NULL, NULL, answer, NULL, MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "bench-floor: cannot start MHD\n");
		return 1;
	}
	printf("floor listening on http://127.0.0.1:%d\n",
	       ntohs(addr.sin_port));
	fflush(stdout);
	int sig = 0;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	for (size_t i = 0; i < nfixed; i++)
		MHD_destroy_response(fixed[i].resp);
	MHD_destroy_response(not_found);
	return 0;
}
