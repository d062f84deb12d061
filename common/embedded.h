/*
 * Files compiled into the binary by tools/embed.c.
 */
#ifndef CLAIMLINE_EMBEDDED_H
#define CLAIMLINE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* base name, NULL at the end of an array */
	const char *data; /* the bytes, NUL-terminated */
	size_t len;
};

/* Numbered migrations, in order: schema/NNN_*.sql. */
extern const struct embedded_file schema_migrations[];
/* The demo store: data/demo.ndjson. */
extern const struct embedded_file demo_data[];
/* The browser front end and OpenAPI document: web/. */
extern const struct embedded_file web_assets[];

#endif
