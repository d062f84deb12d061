/*
 * The health check client (see healthcheck.h).  HTTP/1.0 with
 * Connection: close keeps it to one request and one status line; socket
 * timeouts bound every step, so a hung server fails the check instead of
 * hanging it.
 */
#include "server/healthcheck.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* Fills `addr` for `bind`:`port`, wildcards turned into loopback. */
static int resolve(const char *bind, int port, struct sockaddr_storage *addr,
		   socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
	memset(addr, 0, sizeof(*addr));
	if (inet_pton(AF_INET, bind, &v4->sin_addr) == 1) {
		if (v4->sin_addr.s_addr == htonl(INADDR_ANY))
			v4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, bind, &v6->sin6_addr) == 1) {
		if (IN6_IS_ADDR_UNSPECIFIED(&v6->sin6_addr))
			v6->sin6_addr = in6addr_loopback;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*v6);
		return 0;
	}
	return -1;
}

int healthcheck_run(const char *bind, int port, int timeout_ms, char *err,
		    size_t errsz)
{
	static const char request[] = "GET /healthz HTTP/1.0\r\n"
				      "Host: localhost\r\n"
				      "Connection: close\r\n\r\n";
	struct sockaddr_storage addr;
	socklen_t addrlen = 0;
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
	char buf[256];
	size_t got = 0;
	int rc = -1;
	int fd = -1;

	if (resolve(bind, port, &addr, &addrlen) != 0) {
		snprintf(err, errsz, "%s: not an IPv4 or IPv6 address", bind);
		return -1;
	}
	fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errsz, "socket: %s", strerror(errno));
		goto done;
	}
	/* On Linux SO_SNDTIMEO also bounds connect(). */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&addr, addrlen) != 0) {
		snprintf(err, errsz, "cannot connect to %s port %d: %s", bind,
			 port, strerror(errno));
		goto done;
	}
	if (send(fd, request, sizeof(request) - 1, MSG_NOSIGNAL) !=
	    (ssize_t)(sizeof(request) - 1)) {
		snprintf(err, errsz, "cannot send the request: %s",
			 strerror(errno));
		goto done;
	}
	/* The status line is all we need: "HTTP/1.x 200 ...". */
	while (got < sizeof(buf) - 1 && !memchr(buf, '\n', got)) {
		ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	char *eol = strpbrk(buf, "\r\n");
	if (eol)
		*eol = '\0';
	if (got == 0) {
		snprintf(err, errsz, "no answer from %s port %d", bind, port);
		goto done;
	}
	if (strlen(buf) < 12 || strncmp(buf, "HTTP/1.", 7) != 0 ||
	    strncmp(buf + 8, " 200", 4) != 0) {
		snprintf(err, errsz, "/healthz answered \"%.100s\"", buf);
		goto done;
	}
	rc = 0;
done:
	if (fd >= 0)
		close(fd);
	return rc;
}
