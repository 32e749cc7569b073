/* SPDX-License-Identifier: ISC */
/*
 * kernel_int.h - what the implementations of the kernel seam share: the
 * handle, the operations table, error recording and validation.
 */
#ifndef IKESH_KERNEL_INT_H
#define IKESH_KERNEL_INT_H

#include "kernel.h"

struct kernel_ops {
	const char *name;
	int (*open)(struct kernel *k);
	void (*close)(struct kernel *k);
	int (*spi_alloc)(struct kernel *k, struct kernel_sa *sa);
	int (*sa_add)(struct kernel *k, const struct kernel_sa *sa, bool update);
	int (*sa_del)(struct kernel *k, const struct kernel_sa_id *id);
	int (*sa_counters)(struct kernel *k, const struct kernel_sa_id *id,
			   struct kernel_sa_stats *st);
	int (*policy_add)(struct kernel *k, const struct kernel_policy *pol, bool update);
	int (*policy_del)(struct kernel *k, const struct kernel_policy_id *id);
	int (*flush_own)(struct kernel *k);
	int (*bypass_socket)(struct kernel *k, int fd, int family);
	int (*events_fd)(struct kernel *k);
	int (*events_read)(struct kernel *k, kernel_event_cb cb, void *arg);
	int (*xfrm_stat)(struct kernel *k, struct kernel_xfrm_stat *st);
	int (*iface_create)(struct kernel *k, struct kernel_iface *ifc);
	int (*iface_delete)(struct kernel *k, const char *name);
	int (*iface_up)(struct kernel *k, const char *name, bool up);
	int (*spd_hthresh)(struct kernel *k, const struct kernel_hthresh *h);
	int (*batch_begin)(struct kernel *k);
	int (*batch_commit)(struct kernel *k, kernel_batch_err_cb on_err, void *arg);
};

struct kernel {
	const struct kernel_ops *ops;
	struct kernel_err err;
	uint32_t reqid_base, reqid_count, reqid_next;
	uint32_t spi_min, spi_max;
	bool keep_stale;
	bool batch;
	unsigned batch_n; /* operations queued in the open batch */
	unsigned long ev_dropped;
	void *priv; /* the implementation's state */
};

extern const struct kernel_ops kernel_xfrm_ops;
extern const struct kernel_ops kernel_fake_ops;

/* Records an error: what failed (printf format) and the kernel's message. */
int kernel_fail(struct kernel *k, int err, const char *extack, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void kernel_clear_error(struct kernel *k);

/* Object descriptions for error texts (never key material). */
void kernel_describe_sa(char *buf, size_t len, const char *op, const struct kernel_sa_id *id);
void kernel_describe_policy(char *buf, size_t len, const char *op, const struct kernel_sel *sel,
			    uint8_t dir);
const char *kernel_dir_name(uint8_t dir);
const char *kernel_proto_name(uint8_t proto);

/* Checks an SA / policy before anything is sent; fills k->err on failure. */
int kernel_check_sa(struct kernel *k, const struct kernel_sa *sa, const char *op);
int kernel_check_policy(struct kernel *k, const struct kernel_policy *pol, const char *op);
int kernel_check_sel(const struct kernel_sel *sel, uint8_t family);

/* The selector with families filled in (see struct kernel_sel). */
void kernel_sel_resolve(const struct kernel_sel *in, uint8_t family, struct kernel_sel *out);

/* Parses /proc/net/xfrm_stat text. */
int kernel_xfrm_stat_parse(const char *text, struct kernel_xfrm_stat *st);

#endif
