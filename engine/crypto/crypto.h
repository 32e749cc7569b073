/* SPDX-License-Identifier: ISC */
/* The IKE engine's cryptography: one include for its users. */
#ifndef IKESH_CRYPTO_CRYPTO_H
#define IKESH_CRYPTO_CRYPTO_H

#include "xform.h"
#include "prf.h"
#include "dh.h"
#include "sk.h"
#include "random.h"
#include "siv.h"

#endif
