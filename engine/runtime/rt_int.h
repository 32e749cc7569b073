/*
 * rt_int.h - the IKE runtime's internals, shared by engine/runtime/runtime.c
 * (tunnel table, sync with the running configuration, the IKE core's
 * callbacks, the event loop), rt_conf.c (configuration -> IKE settings),
 * rt_kernel.c (what a tunnel installed in the kernel) and rt_status.c
 * (status, clear and debug for the shell).
 */
#ifndef IKESH_RT_INT_H
#define IKESH_RT_INT_H

#include <netdb.h>
#include <stdarg.h>
#include <sys/socket.h>

#include "runtime.h"
#include "ike_proto.h"
#include "ike_sock.h"
#include "ikev2.h"
#include "fw.h"
#include "kernel.h"
#include "xform.h"

#define RT_CHILDREN	 ENG_STATUS_CHILDREN
#define RT_POLICIES	 (ENG_SUBNETS_MAX * ENG_SUBNETS_MAX * 3)
#define RT_REPLAY_WINDOW 64

/* One asynchronous name resolution (getaddrinfo_a owns it until done). */
struct rt_gai {
	struct gaicb cb;
	struct addrinfo hints;
	char name[256];
};

/* One CHILD_SA pair as installed, for counters and removal. */
struct rt_child {
	struct kernel_sa_id in, out;
	struct eng_child_status st;
	/* what the kernel counted before `clear crypto ipsec sa counters` */
	struct eng_sa_count base_in, base_out;
	/* sa-idletime: the packet count last seen, and when it last moved */
	uint64_t seen_packets;
	time_t seen_at;
};

/* A tunnel's own references to its trustpoint's credentials (rt_cert.c). */
struct rt_creds {
	bool have;		   /* the trustpoint has a CA set */
	EVP_PKEY *key;		   /* NULL: no key pair */
	STACK_OF(X509) * chain;	   /* our certificate first, then intermediates; NULL: none */
	X509_STORE *trust;	   /* the CAs, CRLs and verify flags */
	STACK_OF(X509) * cas;	   /* to tell a changed CA set */
	STACK_OF(X509_CRL) * crls; /* to tell a changed CRL */
	bool crl_check;
	char name[ENG_NAME_MAX];
};

/* Takes what c holds (NULL: none) unless it equals what r holds already. */
void rt_creds_take(struct rt_creds *r, const struct pki_creds *c);
void rt_creds_clear(struct rt_creds *r);
/* Fills the IKE core's certificate settings of a tunnel; -errno and why. */
int rt_cert_conf(const struct rt_creds *r, const struct eng_tunnel *t, struct ike_cert_conf *c,
		 char *why, size_t len);
/* A DN of the configuration as the DER Name an ID payload carries. */
int rt_dn_der(const char *dn, uint8_t *out, size_t cap, size_t *len);

/* icmp-detect: one tunnel's watchdog */
struct rt_watch {
	bool up;	      /* the tunnel was up at the last look */
	bool waiting;	      /* a ping out, its answer not in yet */
	bool child_restarted; /* the CHILD_SAs were restarted since the last answer */
	int send_err;	      /* the last send's error, 0 = sent */
	uint16_t seq;
	uint8_t misses;
	int64_t next_ms, deadline_ms;
	uint64_t sent, answered, lost, restarts;
	char last[224]; /* the last restart's words */
};

#define RT_ICMP_FAKE_QUEUE  64
#define RT_ICMP_FAKE_SILENT 8

/* The fake ICMP sockets (with the fake kernel): replies waiting, and the
 * servers made silent by a test. */
struct rt_icmp_fake {
	struct {
		struct eng_addr from;
		uint16_t seq;
	} queue[RT_ICMP_FAKE_QUEUE];
	size_t n_queued;
	struct eng_addr silent[RT_ICMP_FAKE_SILENT];
	size_t n_silent;
};

struct rt_tun {
	char name[ENG_NAME_MAX];
	struct rt_tun *name_next, *reqid_next, *trap_next; /* hash chains (rt_index.c) */
	/* what it was handed at the last rt_sync (a deep copy) */
	struct eng_tunnel cfg;
	struct eng_ikev2_policy ike2;
	struct eng_ipsec_policy ipsec;
	uint32_t id;
	bool present;	 /* still in running (sync mark) */
	bool configured; /* handed to the IKE core */
	struct ike_peer_conf conf;
	uint8_t start_mode;
	uint32_t reqid; /* allocated once */
	/* the trap policies': no SA ever has it, so traffic that no CHILD_SA
	 * covers (outside narrowed selectors) waits, never enters a CHILD_SA */
	uint32_t trap_reqid;
	char install_err[256]; /* the kernel's words when a CHILD_SA did not go in */
	/* remote-address entries are tried in order: the one in use, and a
	 * host name's resolution (again at every reconnect) */
	uint8_t remote_idx;
	bool advance;		  /* a failure: move to the next entry at the next tick */
	struct rt_gai *gai;	  /* resolution in flight, or NULL */
	uint8_t gai_idx;	  /* the entry it is for */
	struct eng_addr resolved; /* its result (family 0 = none yet) */
	uint8_t resolved_idx;
	int64_t next_try_ms; /* when `advance` may act */
	unsigned fail_ms;    /* back-off between attempts */
	uint32_t idletime;   /* sa-idletime seconds, 0 = off */
	time_t up_since;     /* the IKE SA's establishment (kept across rekeys) */
	/* xfrm-interface: the interface this tunnel made, kept across
	 * renegotiations so that routes through it stay */
	char ifname[ENG_IFNAME_MAX];
	uint32_t if_id;
	uint8_t if_kind; /* enum kernel_iface_kind: XFRM, or VTI (marks) */
	/* authentication certificate: the trustpoint's credentials as handed
	 * at the last rt_sync, kept (the same objects) while they are equal */
	struct rt_creds creds;
	/* gre-tunnel: the GRE interface this tunnel made, and what it was made with */
	char gre_ifname[ENG_IFNAME_MAX];
	uint32_t gre_key;
	struct kernel_addr gre_local, gre_remote;
	enum eng_tun_state state;
	char reason[256];
	time_t reason_at;
	/* kernel state this tunnel owns */
	size_t n_child;
	struct rt_child child[RT_CHILDREN];
	size_t n_pol;
	struct kernel_policy_id pol[RT_POLICIES];
	struct eng_sa_count total_in, total_out;
	/* firewall-rule: in the table since the last apply, and its rules
	 * (or why they are not there) */
	struct rt_watch watch;
	bool fw_ok;
	char fw_text[sizeof(((struct eng_tunnel_status *)0)->firewall)];
};

/* Operations [first, end) of a kernel batch: this tunnel's trap policies. */
struct rt_trap_mark {
	unsigned first, end;
	struct rt_tun *t;
};

struct eng_rt {
	struct eng_log *log;
	struct eng_runtime_opts opts;
	struct kernel *k;
	struct ike_engine *ike;
	struct ike_sock sock;
	int kernel_ev_fd;
	struct rt_tun **tun;
	size_t n_tun, cap_tun;
	/* during rt_sync's kernel batch: which queued operations were whose
	 * trap policies (rt_kernel.c) */
	struct rt_trap_mark *marks;
	size_t n_marks, cap_marks;
	/* the policy hash thresholds set (0: the kernel's own), or given up */
	uint8_t hthresh4, hthresh6;
	bool hthresh_refused;
	/* the tunnels by name, reqid and trap reqid (rt_index.c) */
	struct rt_tun **by_name, **by_reqid, **by_trap;
	size_t n_slot;
	/* resolutions whose tunnel went away while glibc still owned them */
	struct rt_gai **orphans;
	size_t n_orphans;
	int64_t idle_check_ms; /* next look at the SAs' last use */
	uint32_t next_id;
	uint8_t *rxbuf;
	struct fw *fw; /* NULL: nftables could not be opened */
	bool fw_dirty; /* a peer's address changed: apply again at the tick */
	/* icmp-detect's raw sockets (IPv4, IPv6; -1 until a tunnel needs one) */
	int icmp_fd[2];
	uint16_t echo_id;
	bool icmp_is_fake;
	struct rt_icmp_fake icmp_fake;
};

/* rt_conf.c */
void ike_addr_from(struct ike_addr *dst, const struct eng_addr *a, uint16_t port);
void eng_addr_from_ike(struct eng_addr *dst, const struct ike_addr *a);
void kaddr_from_ike(struct kernel_addr *dst, const struct ike_addr *a);
void ss_from_ike(struct sockaddr_storage *ss, const struct ike_addr *a);
void ike_from_ss(struct ike_addr *a, const struct sockaddr_storage *ss);
uint8_t encr_from_id(uint16_t id, uint16_t bits);
uint8_t hash_from_integ(uint16_t id);
uint8_t hash_from_prf(uint16_t id);
int tunnel_conf(struct eng_rt *rt, struct rt_tun *rt_t, struct ike_peer_conf *c, char *why,
		size_t why_len);

/* rt_index.c */
int tun_index_reserve(struct eng_rt *rt, size_t n);
void tun_index_add(struct eng_rt *rt, struct rt_tun *t);
void tun_index_del(struct eng_rt *rt, struct rt_tun *t);
void tun_index_free(struct eng_rt *rt);
struct rt_tun *tun_find(struct eng_rt *rt, const char *name);
/* a configured tunnel whose CHILD_SA or trap policies have reqid */
struct rt_tun *tun_by_reqid(struct eng_rt *rt, uint32_t reqid);

/* runtime.c */
void set_reason(struct rt_tun *t, const char *reason);

/* rt_kernel.c */
void child_counters(struct eng_rt *rt, struct rt_child *c);
void child_remove(struct eng_rt *rt, struct rt_tun *t, size_t i);
void policies_remove(struct eng_rt *rt, struct rt_tun *t);
void tun_kernel_clear(struct eng_rt *rt, struct rt_tun *t);
void prefix_from_range(struct eng_prefix *p, const struct ike_ts_range *r);
void sa_fill(struct kernel_sa *sa, const struct ike_child_sa *c, bool in, bool natt);
int k_sa_add(struct eng_rt *rt, const struct kernel_sa *sa);
int k_sa_del(struct eng_rt *rt, const struct kernel_sa_id *id);
int k_sa_update(struct eng_rt *rt, const struct kernel_sa *sa);
int child_policies(struct eng_rt *rt, struct rt_tun *t, const struct ike_child_sa *c);
int traps_install(struct eng_rt *rt, struct rt_tun *t);
/* rt_sync's kernel batch: opened before the tunnels are synced, sent after;
 * a trap policy the kernel refused gives its tunnel the reason. */
bool sync_batch_begin(struct eng_rt *rt);
void sync_batch_commit(struct eng_rt *rt);
/* The kernel's policy hash thresholds from the configured prefix lengths. */
void spd_thresholds(struct eng_rt *rt, const struct rt_tunnel *tunnels, size_t n);
void iface_drop(struct eng_rt *rt, struct rt_tun *t);
int iface_ensure(struct eng_rt *rt, struct rt_tun *t, const struct eng_tunnel *cfg);

/* rt_fw.c */
void rt_fw_sync(struct eng_rt *rt);
void rt_fw_status(const struct rt_tun *t, struct eng_tunnel_status *s);

/* rt_gre.c */
int gre_ensure(struct eng_rt *rt, struct rt_tun *t, const struct eng_tunnel *cfg);
void gre_drop(struct eng_rt *rt, struct rt_tun *t);

/* rt_icmp.c */
void rt_icmp_init(struct eng_rt *rt);
void rt_icmp_close(struct eng_rt *rt);
void rt_icmp_tick(struct eng_rt *rt);
int64_t rt_icmp_next_ms(const struct eng_rt *rt);
size_t rt_icmp_fds(const struct eng_rt *rt, int *fds, size_t max);
void rt_icmp_status(const struct rt_tun *t, struct eng_tunnel_status *s);

/* rt_status.c */

#endif /* IKESH_RT_INT_H */
