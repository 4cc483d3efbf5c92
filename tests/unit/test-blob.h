/*
 * test-blob.h: what the two files of the blob suite share. test-blob.c
 * sets up a fresh store directory for every test of the suite and
 * offers a whole upload; test-blob-type.c builds files by hand and
 * uploads them to see what their bytes are taken for.
 */
#ifndef HARBOUR_TEST_BLOB_H
#define HARBOUR_TEST_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/* Upload len bytes of data by one account into a store opened for it
 * (under no name at all: only the bytes can tell), checking that no
 * partial stays and that a stored file is there exactly on BLOB_OK;
 * blob_finish()'s result, type the type it found (BLOB_TYPE_MAX). */
int	 test_blob_upload_typed(const void *data, size_t len, char *type);
/* A whole file, malloc'd. */
uint8_t	*test_blob_read_file(const char *path, size_t *len);

#endif
