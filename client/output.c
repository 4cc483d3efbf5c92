/*
 * output.c: where a command's document goes (an export, a report):
 * standard output, or a file given with -o, created 0600 since what
 * goes there is someone's data or a programme's figures, and replaced
 * whole when it exists.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "print.h"

/* -o FILE, if given, names a file. */
int
client_out_check(const struct cmd_args *a)
{
	const char	*out = client_opt(a, "output");

	if (out != NULL && *out == '\0')
		return (client_usage(a->entry, "-o takes a file name"));
	return (CLIENT_EXIT_OK);
}

/* Where an export goes: stdout, or FILE created 0600 (an existing one
 * is replaced, and made 0600 too). NULL having said why. */
FILE *
client_out_open(const char *out)
{
	FILE	*fp;
	int	 fd;

	if (out == NULL)
		return (stdout);
	if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) ==
	    -1 || fchmod(fd, 0600) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		client_error(CLIENT_EXIT_FAIL, "%s: %s", out, strerror(errno));
		if (fd != -1)
			close(fd);
		return (NULL);
	}
	return (fp);
}

/* Close what client_out_open gave, saying what was written where. */
int
client_out_close(FILE *fp, const char *out, const char *what)
{
	if (out == NULL)
		return (print_done());
	if (ferror(fp) | fclose(fp))
		return (client_error(CLIENT_EXIT_FAIL, "%s: %s", out,
		    strerror(errno)));
	printf("wrote %s to ", what);
	print_safe(out);
	putchar('\n');
	return (print_done());
}

