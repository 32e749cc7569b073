/* SPDX-License-Identifier: ISC */
#include <stdio.h>

#include "ike_proto.h"

struct ike_name {
	uint16_t value;
	const char *name;
};

#define N(v, s)                                                                                    \
	{                                                                                          \
		(v), (s)                                                                           \
	}

static const struct ike_name exchange_names[] = {
    N(IKE_SA_INIT, "IKE_SA_INIT"),
    N(IKE_AUTH, "IKE_AUTH"),
    N(IKE_CREATE_CHILD_SA, "CREATE_CHILD_SA"),
    N(IKE_INFORMATIONAL, "INFORMATIONAL"),
};

/* Short names as in RFC 7296 §3.2's notation column. */
static const struct ike_name payload_names[] = {
    N(IKE_PLD_NONE, "NONE"),	   N(IKE_PLD_SA, "SA"),	    N(IKE_PLD_KE, "KE"),
    N(IKE_PLD_IDI, "IDi"),	   N(IKE_PLD_IDR, "IDr"),   N(IKE_PLD_CERT, "CERT"),
    N(IKE_PLD_CERTREQ, "CERTREQ"), N(IKE_PLD_AUTH, "AUTH"), N(IKE_PLD_NONCE, "Ni/Nr"),
    N(IKE_PLD_NOTIFY, "N"),	   N(IKE_PLD_DELETE, "D"),  N(IKE_PLD_VENDOR, "V"),
    N(IKE_PLD_TSI, "TSi"),	   N(IKE_PLD_TSR, "TSr"),   N(IKE_PLD_SK, "SK"),
    N(IKE_PLD_CP, "CP"),	   N(IKE_PLD_EAP, "EAP"),   N(IKE_PLD_SKF, "SKF"),
};

static const struct ike_name notify_names[] = {
    N(IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD, "UNSUPPORTED_CRITICAL_PAYLOAD"),
    N(IKE_N_INVALID_IKE_SPI, "INVALID_IKE_SPI"),
    N(IKE_N_INVALID_MAJOR_VERSION, "INVALID_MAJOR_VERSION"),
    N(IKE_N_INVALID_SYNTAX, "INVALID_SYNTAX"),
    N(IKE_N_INVALID_MESSAGE_ID, "INVALID_MESSAGE_ID"),
    N(IKE_N_INVALID_SPI, "INVALID_SPI"),
    N(IKE_N_NO_PROPOSAL_CHOSEN, "NO_PROPOSAL_CHOSEN"),
    N(IKE_N_INVALID_KE_PAYLOAD, "INVALID_KE_PAYLOAD"),
    N(IKE_N_AUTHENTICATION_FAILED, "AUTHENTICATION_FAILED"),
    N(IKE_N_SINGLE_PAIR_REQUIRED, "SINGLE_PAIR_REQUIRED"),
    N(IKE_N_NO_ADDITIONAL_SAS, "NO_ADDITIONAL_SAS"),
    N(IKE_N_INTERNAL_ADDRESS_FAILURE, "INTERNAL_ADDRESS_FAILURE"),
    N(IKE_N_FAILED_CP_REQUIRED, "FAILED_CP_REQUIRED"),
    N(IKE_N_TS_UNACCEPTABLE, "TS_UNACCEPTABLE"),
    N(IKE_N_INVALID_SELECTORS, "INVALID_SELECTORS"),
    N(IKE_N_TEMPORARY_FAILURE, "TEMPORARY_FAILURE"),
    N(IKE_N_CHILD_SA_NOT_FOUND, "CHILD_SA_NOT_FOUND"),
    N(IKE_N_INITIAL_CONTACT, "INITIAL_CONTACT"),
    N(IKE_N_SET_WINDOW_SIZE, "SET_WINDOW_SIZE"),
    N(IKE_N_ADDITIONAL_TS_POSSIBLE, "ADDITIONAL_TS_POSSIBLE"),
    N(IKE_N_IPCOMP_SUPPORTED, "IPCOMP_SUPPORTED"),
    N(IKE_N_NAT_DETECTION_SOURCE_IP, "NAT_DETECTION_SOURCE_IP"),
    N(IKE_N_NAT_DETECTION_DESTINATION_IP, "NAT_DETECTION_DESTINATION_IP"),
    N(IKE_N_COOKIE, "COOKIE"),
    N(IKE_N_USE_TRANSPORT_MODE, "USE_TRANSPORT_MODE"),
    N(IKE_N_HTTP_CERT_LOOKUP_SUPPORTED, "HTTP_CERT_LOOKUP_SUPPORTED"),
    N(IKE_N_REKEY_SA, "REKEY_SA"),
    N(IKE_N_ESP_TFC_PADDING_NOT_SUPPORTED, "ESP_TFC_PADDING_NOT_SUPPORTED"),
    N(IKE_N_NON_FIRST_FRAGMENTS_ALSO, "NON_FIRST_FRAGMENTS_ALSO"),
    N(IKE_N_MOBIKE_SUPPORTED, "MOBIKE_SUPPORTED"),
    N(IKE_N_IKEV2_FRAGMENTATION_SUPPORTED, "IKEV2_FRAGMENTATION_SUPPORTED"),
    N(IKE_N_SIGNATURE_HASH_ALGORITHMS, "SIGNATURE_HASH_ALGORITHMS"),
};

static const char *ike_name_find(const struct ike_name *t, size_t n, unsigned value,
				 const char *kind, char *buf, size_t buflen)
{
	for (size_t i = 0; i < n; i++) {
		if (t[i].value == value)
			return t[i].name;
	}
	snprintf(buf, buflen, "%s_%u", kind, value);
	return buf;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *ike_exchange_name(uint8_t type, char *buf, size_t buflen)
{
	return ike_name_find(exchange_names, NELEM(exchange_names), type, "EXCHANGE", buf, buflen);
}

const char *ike_payload_name(uint8_t type, char *buf, size_t buflen)
{
	return ike_name_find(payload_names, NELEM(payload_names), type, "PAYLOAD", buf, buflen);
}

const char *ike_notify_name(uint16_t type, char *buf, size_t buflen)
{
	return ike_name_find(notify_names, NELEM(notify_names), type,
			     type <= IKE_N_ERROR_MAX ? "ERROR" : "STATUS", buf, buflen);
}

bool ike_payload_known(uint8_t type)
{
	return (type >= IKE_PLD_SA && type <= IKE_PLD_EAP) || type == IKE_PLD_SKF;
}
