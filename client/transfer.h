/*
 * transfer.h: a resource's file to and from the server, in chunks.
 */
#ifndef HARBOUR_TRANSFER_H
#define HARBOUR_TRANSFER_H

#include <stdint.h>
#include <jansson.h>

struct client;

/* The lowercase hex SHA-256 of the first len bytes of fd, into hex
 * (PROTO_SHA256_HEX + 1 bytes): 0, or -1 with errno set. */
int	transfer_sha256(int fd, int64_t len, char *hex);

/*
 * Send the file at path, resuming where the server's copy ends: an
 * exit status, every failure reported. On success *sha (hex, as above)
 * names the upload for resource.post and *type (malloc'd) is the type
 * the server found.
 */
int	transfer_upload(struct client *, const char *path, char *sha,
	    char **type);

/*
 * Fetch the file of resource r (a resource object) into path, appending
 * to a shorter file there and verifying the whole at the end: an exit
 * status, every failure reported, the outcome printed on stdout.
 */
int	transfer_download(struct client *, json_t *r, const char *path);

#endif
