/* SPDX-License-Identifier: ISC */
/* XFRM netlink implementation: not written yet, every operation fails. */
#include <errno.h>

#include "kernel_int.h"

static int xfrm_open(struct kernel *k)
{
	return -ENOSYS;
}

static void xfrm_close(struct kernel *k)
{
}

const struct kernel_ops kernel_xfrm_ops = {
    .name = "xfrm",
    .open = xfrm_open,
    .close = xfrm_close,
};
