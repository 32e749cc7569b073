/* SPDX-License-Identifier: ISC */
/*
 * kernel_fake.h - what a test can ask of the recording fake kernel
 * (kernel_open(KERNEL_IMPL_FAKE, ...)).
 *
 * The fake keeps an in-memory SAD and SPD with the kernel's rules (an SA is
 * unique by dst/spi/proto/mark, a policy by selector/dir/mark/if_id; ALLOCSPI
 * makes a larval SA that UPDSA completes), records every call with its
 * arguments (keys included, so that a test can compare both peers' keys; they
 * are wiped on close), assigns SPIs counting up from spi_min, can be told to
 * fail the n-th next call of an operation, can inject ACQUIRE/EXPIRE events
 * through a pollable descriptor, and reports counters the test sets.
 */
#ifndef IKESH_KERNEL_FAKE_H
#define IKESH_KERNEL_FAKE_H

#include "kernel.h"

enum kernel_fake_op {
	KF_SPI_ALLOC = 1,
	KF_SA_ADD,
	KF_SA_UPDATE,
	KF_SA_DEL,
	KF_SA_COUNTERS,
	KF_POLICY_ADD,
	KF_POLICY_UPDATE,
	KF_POLICY_DEL,
	KF_FLUSH_OWN,
	KF_BYPASS,
	KF_IFACE_CREATE,
	KF_IFACE_DELETE,
	KF_IFACE_UP,
	KF_BATCH_BEGIN,
	KF_BATCH_COMMIT,
	KF_SPD_HTHRESH,
	KF_OP_COUNT
};

/* One recorded call; only the fields of its op are filled. */
struct kernel_fake_call {
	uint8_t op; /* enum kernel_fake_op */
	int result; /* what the operation returned (in a batch: its queued outcome) */
	bool in_batch;
	struct kernel_sa sa;		/* SPI_ALLOC (spi as assigned), SA_ADD, SA_UPDATE */
	struct kernel_sa_id sa_id;	/* SA_DEL, SA_COUNTERS */
	struct kernel_policy pol;	/* POLICY_ADD, POLICY_UPDATE */
	struct kernel_policy_id pol_id; /* POLICY_DEL */
	struct kernel_iface ifc;	/* IFACE_CREATE */
	char ifname[KERNEL_IFNAME_MAX]; /* IFACE_DELETE, IFACE_UP */
	bool up;			/* IFACE_UP */
	int fd, family;			/* BYPASS */
	struct kernel_hthresh hthresh;	/* SPD_HTHRESH */
};

/* Name of an operation, for test messages. */
const char *kernel_fake_op_name(enum kernel_fake_op op);

/* Recorded calls, oldest first. */
size_t kernel_fake_ncalls(const struct kernel *k);
const struct kernel_fake_call *kernel_fake_call(const struct kernel *k, size_t i);
/* Number of recorded calls of one operation. */
size_t kernel_fake_count(const struct kernel *k, enum kernel_fake_op op);
/* The last recorded call of op, or NULL. */
const struct kernel_fake_call *kernel_fake_last(const struct kernel *k, enum kernel_fake_op op);
/* Forgets the recorded calls (installed state stays). */
void kernel_fake_clear_calls(struct kernel *k);

/*
 * Makes the nth next call of op (0 = the very next) fail with err (a -errno)
 * and the given extended-ack text (may be NULL). One pending failure per op.
 */
void kernel_fake_fail(struct kernel *k, enum kernel_fake_op op, unsigned nth, int err,
		      const char *extack);

/* Queues an event for kernel_events_read(); the events fd becomes readable. */
int kernel_fake_inject(struct kernel *k, const struct kernel_event *ev);

/*
 * Sets the counters kernel_sa_counters() reports for an installed SA; the
 * configuration fields (mode, algorithm names, window, limits) stay those
 * of the SA.
 */
int kernel_fake_set_counters(struct kernel *k, const struct kernel_sa_id *id,
			     const struct kernel_sa_stats *st);
/* Sets one /proc/net/xfrm_stat counter. */
int kernel_fake_set_stat(struct kernel *k, const char *name, uint64_t value);
/* Makes the fake's kernel lack XFRM interfaces, VTI, or both (for iface tests). */
void kernel_fake_set_iface_support(struct kernel *k, bool xfrmi, bool vti);

/* Installed state. An SA still larval (ALLOCSPI without UPDSA) is counted apart. */
size_t kernel_fake_sa_count(const struct kernel *k);
size_t kernel_fake_larval_count(const struct kernel *k);
const struct kernel_sa *kernel_fake_sa_find(const struct kernel *k, const struct kernel_sa_id *id);
size_t kernel_fake_policy_count(const struct kernel *k);
const struct kernel_policy *kernel_fake_policy_find(const struct kernel *k,
						    const struct kernel_policy_id *id);
/* Interfaces that exist, by name; NULL if none. */
const struct kernel_iface *kernel_fake_iface_find(const struct kernel *k, const char *name);
/* Installs foreign state (reqid outside our range), as other IPsec software would. */
int kernel_fake_add_foreign_sa(struct kernel *k, const struct kernel_sa *sa);
int kernel_fake_add_foreign_policy(struct kernel *k, const struct kernel_policy *pol);

#endif
