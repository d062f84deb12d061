/*
 * Row lookups every layer of the resource mechanism needs from a
 * description alone (see handlers/describe.h).
 */
#include "handlers/describe.h"

#include "store/store.h"

int resource_exists(struct store *st, const struct resource *res,
		    const char *id)
{
	struct store_stmt *s = store_prepare(st, res->sql.exists);
	if (!s)
		return STORE_ERROR;
	store_bind_text(s, 1, id);
	int rc = store_step(s);
	store_reset(s);
	return rc == STORE_ROW ? 1 : rc == STORE_DONE ? 0 : rc;
}
