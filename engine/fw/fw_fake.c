/*
 * fw_fake.c - the firewall seam for tests: each transaction's text is
 * recorded, nothing reaches the kernel; a failure can be asked for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_int.h"

static int fake_open(struct fw *fw)
{
	(void)fw;
	return 0;
}

static void fake_close(struct fw *fw)
{
	(void)fw;
}

static int fake_run(struct fw *fw, const char *text)
{
	char *copy;

	if (fw->fail_next) {
		int rc = -abs(fw->fail_next);

		fw->fail_next = 0;
		snprintf(fw->err, sizeof(fw->err), "Error: %s (the fake refused)", strerror(-rc));
		return rc;
	}
	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	free(fw->last);
	fw->last = copy;
	fw->n_run++;
	return 0;
}

const struct fw_ops fw_fake_ops = {
    .open = fake_open,
    .close = fake_close,
    .run = fake_run,
};
