/* SPDX-License-Identifier: ISC */
/*
 * ike_sock.h - the engine's IKE sockets: UDP 500 and 4500 (RFC 3948),
 * IPv4 and IPv6.
 *
 * A received datagram arrives with both addresses, so that the reply
 * leaves from the address the request was sent to (a gateway with several
 * addresses must not answer from another one).  On the NAT-T port the
 * four-byte non-ESP marker is stripped on receive and prepended on send,
 * except to a NAT keepalive (the one byte 0xff, RFC 3948 §2.3), which goes
 * out as it is; keepalives received are swallowed and counted.  Nothing
 * here blocks: the sockets are non-blocking and the caller polls the
 * descriptors from ike_sock_fds().
 */
#ifndef IKESH_IKE_SOCK_H
#define IKESH_IKE_SOCK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define IKE_SOCK_MAX_DGRAM 65535 /* largest UDP payload */

enum ike_sock_slot {
	IKE_SOCK_V4_IKE = 0, /* udp4 :500 */
	IKE_SOCK_V4_NATT,    /* udp4 :4500 */
	IKE_SOCK_V6_IKE,
	IKE_SOCK_V6_NATT,
	IKE_SOCK_SLOTS
};

struct ike_sock_cfg {
	uint16_t port;	    /* 0 = 500 */
	uint16_t natt_port; /* 0 = 4500 */
	bool no_v4, no_v6;
	/* Bind to this address only (tests); family 0 = the wildcard. */
	struct sockaddr_storage bind_addr;
	/* Called for each socket after bind, e.g. for the kernel's IPsec
	 * bypass policy; a failure closes everything. */
	int (*prepare)(void *arg, int fd, int family);
	void *prepare_arg;
};

struct ike_sock_stats {
	uint64_t rx, tx;
	uint64_t rx_keepalive;	 /* NAT-T keepalives swallowed */
	uint64_t rx_esp_on_natt; /* ESP on 4500 without the marker: the kernel's job */
	uint64_t rx_truncated;	 /* larger than the buffer */
	uint64_t rx_short;	 /* too short to be IKE */
	uint64_t tx_errors;
};

struct ike_sock {
	int fd[IKE_SOCK_SLOTS]; /* -1 when that slot is not open */
	uint16_t port[IKE_SOCK_SLOTS];
	struct ike_sock_stats stats;
};

/* One datagram with where it came from and where it arrived. */
struct ike_dgram {
	struct sockaddr_storage peer;  /* source of a received datagram */
	struct sockaddr_storage local; /* destination it arrived at */
	bool natt;		       /* arrived on / goes to the NAT-T port */
	int ifindex;
	size_t len;
	uint8_t *buf; /* IKE message, without the non-ESP marker */
};

/* Open and bind every slot the configuration allows.  IPv6 missing from
 * the host is not an error (its slots stay -1); anything else is -errno. */
int ike_sock_open(struct ike_sock *s, const struct ike_sock_cfg *cfg);
void ike_sock_close(struct ike_sock *s);

/* The open descriptors for poll(); returns how many were written. */
size_t ike_sock_fds(const struct ike_sock *s, int *fds, size_t max);

/*
 * Read one datagram from fd into d->buf (cap bytes).  Returns 1 with d
 * filled, 0 when a datagram was consumed but is not for IKE (keepalive,
 * truncated, too short: counted in stats), -EAGAIN when nothing is
 * waiting, or -errno.
 */
int ike_sock_recv(struct ike_sock *s, int fd, struct ike_dgram *d, size_t cap);

/*
 * Send d->buf from d->local (family 0 = let the kernel choose) to d->peer,
 * on the NAT-T socket with the non-ESP marker when d->natt.  -errno.
 */
int ike_sock_send(struct ike_sock *s, const struct ike_dgram *d);

#endif /* IKESH_IKE_SOCK_H */
