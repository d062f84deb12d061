/*
 * POST /v1/import (NDJSON, all or nothing) and GET /v1/export (NDJSON in
 * dependency order, the form import takes).
 */
#ifndef CLAIMLINE_BULK_H
#define CLAIMLINE_BULK_H

#include "server/reply.h"

int handle_import(const struct request *req, struct reply *rep);
int handle_export(const struct request *req, struct reply *rep);

#endif
