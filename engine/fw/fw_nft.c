/*
 * fw_nft.c - the firewall seam through libnftables: one context for the
 * engine's life, each transaction one nft_run_cmd_from_buffer() (a single
 * netlink batch: all of it or nothing), errors kept as nft words them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <nftables/libnftables.h>

#include "fw_int.h"

static int nft_open(struct fw *fw)
{
	struct nft_ctx *ctx = nft_ctx_new(NFT_CTX_DEFAULT);

	if (!ctx)
		return -ENOMEM;
	/* nothing on the daemon's stdout or stderr: both kept for the caller */
	if (nft_ctx_buffer_output(ctx) || nft_ctx_buffer_error(ctx)) {
		nft_ctx_free(ctx);
		return -ENOMEM;
	}
	fw->impl = ctx;
	return 0;
}

static void nft_close(struct fw *fw)
{
	if (fw->impl)
		nft_ctx_free(fw->impl);
	fw->impl = NULL;
}

/* nft's message, on one line, without its echo of the input. */
static void keep_error(struct fw *fw, const char *msg)
{
	size_t n = 0;

	for (const char *p = msg ? msg : ""; *p && n + 1 < sizeof(fw->err); p++) {
		if (*p == '\n') {
			if (n)
				break;
			continue;
		}
		fw->err[n++] = *p;
	}
	fw->err[n] = '\0';
}

static int nft_run(struct fw *fw, const char *text)
{
	struct nft_ctx *ctx = fw->impl;
	int rc;

	rc = nft_run_cmd_from_buffer(ctx, text);
	/* the buffers are read (and so reset) after every command */
	nft_ctx_get_output_buffer(ctx);
	if (rc) {
		keep_error(fw, nft_ctx_get_error_buffer(ctx));
		if (!fw->err[0])
			snprintf(fw->err, sizeof(fw->err), "nftables refused the ruleset");
		return -EIO;
	}
	nft_ctx_get_error_buffer(ctx);
	return 0;
}

const struct fw_ops fw_nft_ops = {
    .open = nft_open,
    .close = nft_close,
    .run = nft_run,
};
