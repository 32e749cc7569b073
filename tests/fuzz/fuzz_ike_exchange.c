/* SPDX-License-Identifier: ISC */
/*
 * An IKEv2 engine fed whole exchanges by a hostile peer that holds the
 * real SK keys (see fuzz_ike.h for the input format). Built twice:
 * FZ_TARGET_INITIATOR=0 fuzzes the responder (the peer initiates),
 * FZ_TARGET_INITIATOR=1 the initiator (the peer answers).
 */
#include "fuzz_ike.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fz_target_is_a = FZ_TARGET_INITIATOR;
	fz_run(data, size);
	return 0;
}
