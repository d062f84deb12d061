/*
 * Row lookups every layer of the resource mechanism needs from a
 * description alone (see handlers/describe.h).
 */
#include "handlers/describe.h"

#include "store/store.h"

int resource_exists(struct store *st, const struct resource *res,
		    const char *id)
{
	return store_row_exists(st, res->sql.exists, id);
}
