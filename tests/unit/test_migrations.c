/*
 * Unit test: every migration in schema/ is compiled into the binary.
 * Meson cannot glob, so the root meson.build lists the files by hand; a
 * new schema/NNN_*.sql left out of that list would never run.  This
 * compares the embedded list (schema_migrations, what the build put in)
 * with the files in the source tree's schema/ (the directory is the
 * program's argument), and checks the numbers run 001, 002, ... without
 * gaps or repeats, in order.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "common/embedded.h"
#include "check.h"

#define MAX_FILES 1000

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The NNN of "NNN_name.sql", or -1 when the name is not that shape. */
static int number_of(const char *name)
{
	size_t n = strlen(name);
	if (n < 9 || strcmp(name + n - 4, ".sql") != 0 || name[3] != '_')
		return -1;
	for (int i = 0; i < 3; i++)
		if (name[i] < '0' || name[i] > '9')
			return -1;
	return (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
}

int main(int argc, char **argv)
{
	CHECK(argc == 2);
	if (argc != 2)
		return check_finish();
	DIR *dir = opendir(argv[1]);
	CHECK(dir != NULL);
	if (!dir)
		return check_finish();
	char *files[MAX_FILES];
	size_t nfiles = 0;
	struct dirent *e;
	while ((e = readdir(dir)) && nfiles < MAX_FILES) {
		size_t n = strlen(e->d_name);
		if (n > 4 && strcmp(e->d_name + n - 4, ".sql") == 0)
			files[nfiles++] = strdup(e->d_name);
	}
	closedir(dir);
	qsort(files, nfiles, sizeof(files[0]), by_name);

	size_t nembedded = 0;
	while (schema_migrations[nembedded].name)
		nembedded++;
	/* Every file in schema/, by name and in order, is in the binary:
	 * a file missing from meson.build's schema_files fails here. */
	CHECK_INT_EQ(nembedded, nfiles);
	for (size_t i = 0; i < nfiles; i++) {
		check_context = files[i];
		CHECK(i < nembedded);
		if (i < nembedded)
			CHECK_STR_EQ(schema_migrations[i].name, files[i]);
		/* Numbered 001 upwards, one each, no gap. */
		CHECK_INT_EQ(number_of(files[i]), (int)i + 1);
		free(files[i]);
	}
	check_context = NULL;
	return check_finish();
}
