/* stdout through a cookie stream: the same writes, and the errno of a failed one. */
#include "view/stdout_stream.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static int first_errno;

static ssize_t write_stdout(void *cookie, const char *buf, size_t len)
{
	size_t done = 0;

	(void)cookie;
	while (done < len) {
		ssize_t n = write(STDOUT_FILENO, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (first_errno == 0)
				first_errno = errno;
			return done > 0 ? (ssize_t)done : -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

void stdout_stream_init(void)
{
	cookie_io_functions_t io = { .write = write_stdout };
	FILE *f = fopencookie(NULL, "w", io);

	if (f == NULL)
		return;  /* the plain stdout still works; only the reason may be lost */
	setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, BUFSIZ);
	fflush(stdout);
	stdout = f;
}

int stdout_stream_errno(void)
{
	return first_errno;
}
