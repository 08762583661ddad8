/* The --load pattern: a word hash of the offset, repeating every 4 MiB. */
#include "net/pattern.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The 8 bytes of word w (little-endian): an odd multiple, so that no two words of a period are alike. */
static uint64_t word(uint64_t w)
{
	return (w % (PATTERN_PERIOD / 8) + 1) * 0x9E3779B97F4A7C15ull;
}

static unsigned char byte_at(uint64_t offset)
{
	return (unsigned char)(word(offset / 8) >> (8 * (offset % 8)));
}

void pattern_fill(unsigned char *buf, uint64_t offset, size_t len)
{
	size_t i = 0;

	for (; i < len && (offset + i) % 8; i++)
		buf[i] = byte_at(offset + i);
	for (; i + 8 <= len; i += 8) {
		uint64_t v = word((offset + i) / 8);
		for (int k = 0; k < 8; k++)
			buf[i + (size_t)k] = (unsigned char)(v >> (8 * k));
	}
	for (; i < len; i++)
		buf[i] = byte_at(offset + i);
}

size_t pattern_check(const unsigned char *buf, uint64_t offset, size_t len)
{
	size_t i = 0;

	for (; i < len && (offset + i) % 8; i++)
		if (buf[i] != byte_at(offset + i))
			return i;
	for (; i + 8 <= len; i += 8) {
		uint64_t v = word((offset + i) / 8), got;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		memcpy(&got, buf + i, 8);  /* one load: the words are little-endian */
#else
		got = 0;
		for (int k = 0; k < 8; k++)
			got |= (uint64_t)buf[i + (size_t)k] << (8 * k);
#endif
		if (got != v)
			break;  /* the byte loop below finds which */
	}
	for (; i < len; i++)
		if (buf[i] != byte_at(offset + i))
			return i;
	return len;
}

int pattern_memfd(void)
{
	unsigned char chunk[64 * 1024];
	int fd = memfd_create("tcptool-load", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	/* Written through a small buffer: the file's pages are the kernel's, not our memory. */
	for (uint64_t off = 0; off < PATTERN_PERIOD; off += sizeof(chunk)) {
		pattern_fill(chunk, off, sizeof(chunk));
		size_t done = 0;
		while (done < sizeof(chunk)) {
			ssize_t n = write(fd, chunk + done, sizeof(chunk) - done);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				int err = n < 0 ? errno : EIO;
				close(fd);
				errno = err;
				return -1;
			}
			done += (size_t)n;
		}
	}
	return fd;
}
