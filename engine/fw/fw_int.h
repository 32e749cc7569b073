/*
 * fw_int.h - the firewall seam's internals: the ops table each
 * implementation fills (fw_nft.c, fw_fake.c) and the state the front keeps.
 */
#ifndef IKESH_FW_INT_H
#define IKESH_FW_INT_H

#include "fw.h"

struct fw_ops {
	int (*open)(struct fw *fw);
	void (*close)(struct fw *fw);
	/* runs one nft transaction; on failure fills fw->err */
	int (*run)(struct fw *fw, const char *text);
};

struct fw {
	const struct fw_ops *ops;
	void *impl;
	char *installed; /* the table's text as last applied, NULL = none */
	char err[512];
	/* the fake's record */
	size_t n_run;
	char *last;
	int fail_next;
};

extern const struct fw_ops fw_nft_ops;
extern const struct fw_ops fw_fake_ops;

#endif /* IKESH_FW_INT_H */
