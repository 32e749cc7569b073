/*
 * runtime.h - the IKE runtime's face: committed tunnels turned into IKE
 * negotiations and kernel state.
 *
 * The runtime is handed the tunnels (rt_sync) and a log; it keeps its own
 * copy of what it was handed and never reads the configuration store.
 */
#ifndef IKESH_RUNTIME_H
#define IKESH_RUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "model.h"
#include "pki.h"

struct eng_rt;
struct kernel;

/* One committed tunnel and its policies, defaults resolved. */
struct rt_tunnel {
	const struct eng_tunnel *t;    /* as configured (zero fields: defaults) */
	struct eng_ikev2_policy ike2;  /* its ike-policy, effective */
	struct eng_ipsec_policy ipsec; /* its ipsec-policy, effective */
	/* authentication certificate: its trustpoint's credentials, NULL when
	 * the trustpoint has no CA set (the runtime takes its own references) */
	const struct pki_creds *creds;
};

/* Opens the kernel seam, the IKE sockets and the IKE core.  On failure
 * diag's last line says why. */
int rt_open(const struct eng_runtime_opts *opts, struct eng_log *log, struct eng_rt **out,
	    struct eng_diag *diag);
void rt_close(struct eng_rt *rt);

/* The running configuration changed: these are its tunnels, all of them. */
void rt_sync(struct eng_rt *rt, const struct rt_tunnel *tunnels, size_t n);
/* ... and its global settings: the IKE limits on unauthenticated peers
 * (zero fields: the IKE defaults). */
void rt_set_limits(struct eng_rt *rt, const struct eng_global *g);

/* The event loop: descriptors to poll, when rt_tick is due next
 * (absolute eng_now_ms() time, -1 = none), and the tick. */
size_t rt_poll_fds(const struct eng_rt *rt, int *fds, size_t max);
int64_t rt_next_ms(const struct eng_rt *rt);
void rt_tick(struct eng_rt *rt);

/* The runtime's part of one tunnel's status (s has its name). */
void rt_tunnel_status(struct eng_rt *rt, struct eng_tunnel_status *s);
void rt_ike_stats(const struct eng_rt *rt, struct eng_ike_stats *out);

/* clear: tunnel NULL = every tunnel; -ENOENT when the runtime has none
 * of that name. */
int rt_clear_sa(struct eng_rt *rt, const char *tunnel, bool child_only);
int rt_clear_peer(struct eng_rt *rt, const struct eng_addr *addr);
void rt_clear_counters(struct eng_rt *rt);

/* The log's debug flags changed. */
void rt_debug_changed(struct eng_rt *rt);

/* The kernel seam in use (tests). */
struct kernel *rt_kernel(struct eng_rt *rt);
/* The firewall seam in use (tests), NULL without one. */
struct fw;
struct fw *rt_fw(struct eng_rt *rt);
/* With the fake kernel: the ICMP watchdog's server stops (or starts
 * again) answering.  -EOPNOTSUPP with the real kernel. */
int rt_icmp_silence(struct eng_rt *rt, const struct eng_addr *server, bool silent);

#endif /* IKESH_RUNTIME_H */
