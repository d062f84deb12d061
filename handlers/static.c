/*
 * The browser front end and the OpenAPI document, served from the files
 * compiled into the binary (web/): no request ever leaves for another host.
 */
#include <string.h>

#include "common/embedded.h"
#include "handlers/static.h"

static const struct {
	const char *suffix;
	const char *type;
} content_types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".txt", "text/plain; charset=utf-8"},
	{".woff2", "font/woff2"},
};

static const char *content_type_of(const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof(content_types) / sizeof(content_types[0]);
	     i++) {
		size_t k = strlen(content_types[i].suffix);
		if (n > k && strcmp(name + n - k, content_types[i].suffix) == 0)
			return content_types[i].type;
	}
	return "application/octet-stream";
}

static int serve_file(struct reply *rep, const char *name)
{
	for (const struct embedded_file *f = web_assets; f->name; f++) {
		if (strcmp(f->name, name) != 0)
			continue;
		reply_static(rep, 200, content_type_of(name), f->data, f->len);
		/* Assets change with the binary; revalidate, never stale. */
		reply_header(rep, "Cache-Control", "no-cache");
		reply_header(rep, "X-Content-Type-Options", "nosniff");
		if (strcmp(content_type_of(name), "text/html; charset=utf-8") ==
		    0)
			reply_header(
				rep, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; "
				"style-src 'self' 'unsafe-inline'; "
				"object-src 'none'; base-uri 'none'; "
				"frame-ancestors 'none'");
		return 200;
	}
	return reply_problem(rep, PROBLEM_NOT_FOUND, "no such file");
}

int handle_page(const struct request *req, struct reply *rep)
{
	(void)req;
	return serve_file(rep, "index.html");
}

int handle_openapi(const struct request *req, struct reply *rep)
{
	(void)req;
	return serve_file(rep, "openapi.json");
}

int handle_asset(const struct request *req, struct reply *rep)
{
	return serve_file(rep, req->args[0]);
}
