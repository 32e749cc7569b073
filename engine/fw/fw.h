/*
 * fw.h - the firewall seam: the nftables table the engine owns.
 *
 * `firewall-rule` on a tunnel asks the engine to keep `table inet ikesh`
 * in step with the running configuration: IKE and ESP/AH accepted from the
 * tunnel's peers, traffic between its subnets accepted only through IPsec
 * and dropped in clear.  fw_apply() replaces the whole table in one
 * transaction (or deletes it when no tunnel asks for rules); no other table
 * is ever named.  Two implementations behind one ops table, chosen at open:
 * libnftables in production, a fake that records each transaction's text
 * for tests.
 */
#ifndef IKESH_FW_H
#define IKESH_FW_H

#include <stdbool.h>
#include <stddef.h>

#include "engine.h"

#define FW_TABLE     "ikesh"
#define FW_PEERS_MAX (ENG_PEER_ADDRS_MAX + 1)

struct fw;

enum fw_impl { FW_IMPL_NFT, FW_IMPL_FAKE };

/* What one tunnel's rules are made of. */
struct fw_tunnel {
	const char *name;
	bool any_peer; /* remote-address any: IKE and ESP from anywhere */
	size_t n_peer;
	struct eng_addr peer[FW_PEERS_MAX];
	size_t n_local, n_remote;
	const struct eng_prefix *local, *remote;
};

int fw_open(enum fw_impl impl, struct fw **out);
/* Removes the table if this engine installed one. */
void fw_close(struct fw *fw);

/* The table for these tunnels, all of them, in one transaction; n == 0
 * removes it.  Nothing is sent when the text is what is installed already.
 * -errno on failure, the table then as it was and fw_error() says why. */
int fw_apply(struct fw *fw, const struct fw_tunnel *t, size_t n);
const char *fw_error(const struct fw *fw);

/* The ruleset last installed ("" = none), as nft prints it back. */
const char *fw_installed(const struct fw *fw);

/* One tunnel's rules, one per line ("input: ...", "forward: ...");
 * -ENOSPC when len is too small (buf then holds what fitted). */
int fw_tunnel_rules(const struct fw_tunnel *t, char *buf, size_t len);

/* The fake: transactions run, the last one's text; the next one fails
 * with err (0 = succeed). */
size_t fw_fake_transactions(const struct fw *fw);
const char *fw_fake_last(const struct fw *fw);
void fw_fake_fail_next(struct fw *fw, int err);

#endif /* IKESH_FW_H */
