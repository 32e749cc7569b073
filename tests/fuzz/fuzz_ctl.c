/*
 * The control protocol server fed what a hostile local client sends (see
 * fuzz_ctl.h for the input): the daemon's loop in miniature, on an engine
 * with the real grammar opened on a fresh state directory for each input.
 * The output must stay a clean sequence of whole frames of our version.
 */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fuzz_ctl.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fz_dir[256];
static struct eng_ctl *fz_conn;

#define FZ_CHECK(cond)                                                                             \
	do {                                                                                       \
		if (!(cond))                                                                       \
			abort();                                                                   \
	} while (0)

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

/* The directory goes when libFuzzer exits at the end of its time. */
static void fz_dir_remove(void)
{
	nftw(fz_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	rmdir(fz_dir);
}

/* A private directory, on tmpfs when there is one: commits fsync. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(fz_dir, sizeof(fz_dir), "%s/ikesh-fuzz-ctl-XXXXXX", base);
	if (mkdtemp(fz_dir) == NULL) {
		perror(fz_dir);
		exit(1);
	}
	atexit(fz_dir_remove);
	return 0;
}

static void fz_log(void *arg, enum eng_log_level level, const char *msg)
{
	if (fz_conn)
		eng_ctl_log(fz_conn, level, msg);
}

/* Take the output as the daemon would send it: whole frames, replies to requests. */
static void drain(void)
{
	const void *p;
	size_t len = eng_ctl_pending(fz_conn, &p), off = 0;

	while (len - off >= CTL_HDR_LEN) {
		struct ctl_hdr h;

		ctl_hdr_get((const uint8_t *)p + off, &h);
		FZ_CHECK(h.version == CTL_VERSION);
		FZ_CHECK(h.type == CTL_REPLY || h.type == CTL_EV_LOG);
		FZ_CHECK(h.type != CTL_REPLY || h.len >= 4);
		FZ_CHECK(h.len <= CTL_REPLY_MAX && len - off - CTL_HDR_LEN >= h.len);
		off += CTL_HDR_LEN + h.len;
	}
	FZ_CHECK(off == len);
	eng_ctl_sent(fz_conn, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char state[300], run[300];
	struct eng_opts o = {0};
	struct eng_diag diag = {0};
	struct eng *eng = NULL;
	size_t chunk, off = 1;

	if (size < 1)
		return 0;
	nftw(fz_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	snprintf(state, sizeof(state), "%s/state", fz_dir);
	snprintf(run, sizeof(run), "%s/run", fz_dir);
	o.state_dir = state;
	o.run_dir = run;
	o.codec = cmd_codec();
	o.log = fz_log;
	FZ_CHECK(eng_open(&o, &eng, &diag) == 0);
	eng_diag_free(&diag);
	FZ_CHECK(eng_ctl_new(eng, "fuzz",
			     data[0] & FZ_CTL_ADMIN ? ENG_ROLE_ADMIN : ENG_ROLE_OPERATOR,
			     &fz_conn) == 0);
	chunk = data[0] >> 1;
	if (chunk == 0)
		chunk = size;
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		size_t want = eng_ctl_want(fz_conn);
		int rc;

		if (want == 0) {
			rc = eng_ctl_input(fz_conn, NULL, 0);
		} else {
			if (n > want)
				n = want;
			rc = eng_ctl_input(fz_conn, data + off, n);
			off += n;
		}
		drain();
		if (rc < 0)
			break;
	}
	/* what is buffered is served once the output went */
	while (eng_ctl_want(fz_conn) == 0 && eng_ctl_input(fz_conn, NULL, 0) == 0 &&
	       eng_ctl_pending(fz_conn, &(const void *){NULL}) > 0)
		drain();
	drain();
	eng_tick(eng);
	eng_ctl_free(fz_conn);
	fz_conn = NULL;
	eng_close(eng);
	return 0;
}
