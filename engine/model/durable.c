/*
 * durable.c - files that survive a crash: written to a temporary file in
 * the same directory, synced, renamed over the old one, and the directory
 * synced, so a reader finds either the old file or the new one, whole.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "model.h"
#include "eng_test.h"

static bool test_no_fsync;
static int test_fail_writes, test_fail_skip;

void eng_test_set_fsync(bool on)
{
	test_no_fsync = !on;
}

void eng_test_fail_before_rename(int after, int n)
{
	test_fail_skip = after;
	test_fail_writes = n;
}

/* The test hook: does this write stop before its rename? */
static bool crash_here(void)
{
	if (test_fail_writes <= 0)
		return false;
	if (test_fail_skip > 0) {
		test_fail_skip--;
		return false;
	}
	test_fail_writes--;
	return true;
}

bool eng_fsync_enabled(void)
{
	return !test_no_fsync;
}

/* Write the parts in as few system calls as writev allows. */
static int write_parts(int fd, const char *const *parts, size_t n)
{
	struct iovec iov[256];
	size_t i = 0;

	while (i < n) {
		int cnt = 0;
		ssize_t w;

		for (; i < n && cnt < 256; i++) {
			if (!parts[i] || !parts[i][0])
				continue;
			iov[cnt].iov_base = (void *)parts[i];
			iov[cnt++].iov_len = strlen(parts[i]);
		}
		for (int k = 0; k < cnt;) {
			w = writev(fd, iov + k, cnt - k);
			if (w < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			/* a short write: skip what went out, write the rest */
			while (k < cnt && (size_t)w >= iov[k].iov_len)
				w -= (ssize_t)iov[k++].iov_len;
			if (k < cnt) {
				iov[k].iov_base = (char *)iov[k].iov_base + w;
				iov[k].iov_len -= (size_t)w;
			}
		}
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd, rc = 0;

	if (test_no_fsync)
		return 0;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* dir/name <- the concatenation of parts (NULL parts are skipped). */
int eng_write_atomic(const char *dir, const char *name, const char *const *parts, size_t n)
{
	char tmp[4096], path[4096];
	int fd, rc = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.XXXXXX", dir, name) >= sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	rc = write_parts(fd, parts, n);
	if (!rc && !test_no_fsync && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (rc)
		goto fail;
	if (crash_here())
		return -EIO; /* as a crash here: the temporary file and the old file stay */
	if (rename(tmp, path) < 0) {
		rc = -errno;
		goto fail;
	}
	return sync_dir(dir);
fail:
	unlink(tmp);
	return rc;
}

/*
 * dir/name <- the file at src, as a second name of the same file (no
 * copy).  -EXDEV and the like when the two are on different file systems;
 * the caller then writes the content.
 */
int eng_link_atomic(const char *src, const char *dir, const char *name)
{
	char tmp[4096], path[4096];
	int rc;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.link", dir, name) >= sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	if (link(src, tmp) < 0)
		return -errno;
	if (crash_here())
		return -EIO;
	if (rename(tmp, path) < 0) {
		rc = -errno;
		unlink(tmp);
		return rc;
	}
	return sync_dir(dir);
}

int eng_read_file(const char *path, char **out, size_t *len)
{
	struct stat st;
	char *buf;
	size_t got = 0;
	int fd, rc = 0;

	*out = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = errno ? -errno : -EINVAL;
		close(fd);
		return rc ? rc : -EINVAL;
	}
	/* configuration files are text of a few megabytes at most */
	if (st.st_size > 256 * 1024 * 1024) {
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (rc) {
		free(buf);
		return rc;
	}
	buf[got] = '\0';
	*out = buf;
	*len = got;
	return 0;
}

/* mkdir -p, mode 0700 for what it creates. */
int eng_mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* The pid a lock holder wrote into the lock file, 0 when unreadable. */
static long lock_holder(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	return pid > 0 ? pid : 0;
}

/* Our pid in the lock file, for the message a second engine prints; a
 * read-only holder leaves the file as it is. */
static int lock_note_pid(int fd)
{
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)len, 0) != len)
		return -errno;
	return 0;
}

/*
 * One engine per state directory: two engines on the same files would
 * each believe their own history and overwrite the other's commits.  An
 * flock goes with the process however it ends (SIGKILL included), so a
 * stale lock cannot stay behind.  A reader that may not write the
 * directory locks the file read-only: it is no writer, but it still must
 * not read while another engine writes.
 */
int eng_lock_dir(const char *dir, long *holder)
{
	char path[4096];
	int fd, rc;

	*holder = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/lock", dir) >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 && (errno == EACCES || errno == EROFS))
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (rc == -EBUSY)
			*holder = lock_holder(fd);
		close(fd);
		return rc;
	}
	lock_note_pid(fd);
	return fd;
}
