/* SPDX-License-Identifier: ISC */
/*
 * Which payloads each exchange may carry, as data (RFC 7296 §1.2-1.5,
 * §2.6, §2.7, §3.14; RFC 7383 for SKF). Payloads not listed for an exchange
 * are refused when their type is known; unknown non-critical ones are
 * ignored (§2.5).
 */
#include <errno.h>
#include <string.h>

#include "ike_msg.h"

#define MANY	 IKE_RULE_MANY
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * SK and SKF are both listed 0..1 for the encrypted exchanges; that one of
 * them is present is checked separately.
 */
static const struct ike_pld_rule sa_init_req[] = {
    {IKE_PLD_SA, 1, 1, false},	      {IKE_PLD_KE, 1, 1, false},
    {IKE_PLD_NONCE, 1, 1, false},     {IKE_PLD_NOTIFY, 0, MANY, false},
    {IKE_PLD_VENDOR, 0, MANY, false},
};

/* SA, KE and Nr are absent when the responder answers with an error or COOKIE. */
static const struct ike_pld_rule sa_init_resp[] = {
    {IKE_PLD_SA, 0, 1, false},	      {IKE_PLD_KE, 0, 1, false},
    {IKE_PLD_NONCE, 0, 1, false},     {IKE_PLD_CERTREQ, 0, MANY, false},
    {IKE_PLD_NOTIFY, 0, MANY, false}, {IKE_PLD_VENDOR, 0, MANY, false},
};

static const struct ike_pld_rule auth_req[] = {
    {IKE_PLD_SK, 0, 1, false},	     {IKE_PLD_SKF, 0, 1, false},       {IKE_PLD_IDI, 1, 1, true},
    {IKE_PLD_CERT, 0, 4, true},	     {IKE_PLD_CERTREQ, 0, MANY, true}, {IKE_PLD_IDR, 0, 1, true},
    {IKE_PLD_AUTH, 0, 1, true},	     {IKE_PLD_EAP, 0, 1, true},	       {IKE_PLD_CP, 0, 1, true},
    {IKE_PLD_SA, 0, 1, true},	     {IKE_PLD_TSI, 0, 1, true},	       {IKE_PLD_TSR, 0, 1, true},
    {IKE_PLD_NOTIFY, 0, MANY, true}, {IKE_PLD_VENDOR, 0, MANY, true},
};

static const struct ike_pld_rule auth_resp[] = {
    {IKE_PLD_SK, 0, 1, false},	{IKE_PLD_SKF, 0, 1, false},	 {IKE_PLD_IDR, 0, 1, true},
    {IKE_PLD_CERT, 0, 4, true}, {IKE_PLD_AUTH, 0, 1, true},	 {IKE_PLD_EAP, 0, 1, true},
    {IKE_PLD_CP, 0, 1, true},	{IKE_PLD_SA, 0, 1, true},	 {IKE_PLD_TSI, 0, 1, true},
    {IKE_PLD_TSR, 0, 1, true},	{IKE_PLD_NOTIFY, 0, MANY, true}, {IKE_PLD_VENDOR, 0, MANY, true},
};

static const struct ike_pld_rule child_req[] = {
    {IKE_PLD_SK, 0, 1, false},	 {IKE_PLD_SKF, 0, 1, false},	  {IKE_PLD_SA, 1, 1, true},
    {IKE_PLD_NONCE, 1, 1, true}, {IKE_PLD_KE, 0, 1, true},	  {IKE_PLD_TSI, 0, 1, true},
    {IKE_PLD_TSR, 0, 1, true},	 {IKE_PLD_NOTIFY, 0, MANY, true}, {IKE_PLD_VENDOR, 0, MANY, true},
};

/* an error response carries only N */
static const struct ike_pld_rule child_resp[] = {
    {IKE_PLD_SK, 0, 1, false},	 {IKE_PLD_SKF, 0, 1, false},	  {IKE_PLD_SA, 0, 1, true},
    {IKE_PLD_NONCE, 0, 1, true}, {IKE_PLD_KE, 0, 1, true},	  {IKE_PLD_TSI, 0, 1, true},
    {IKE_PLD_TSR, 0, 1, true},	 {IKE_PLD_NOTIFY, 0, MANY, true}, {IKE_PLD_VENDOR, 0, MANY, true},
};

static const struct ike_pld_rule informational[] = {
    {IKE_PLD_SK, 0, 1, false},	     {IKE_PLD_SKF, 0, 1, false}, {IKE_PLD_NOTIFY, 0, MANY, true},
    {IKE_PLD_DELETE, 0, MANY, true}, {IKE_PLD_CP, 0, 1, true},	 {IKE_PLD_VENDOR, 0, MANY, true},
};

#define RULES(x, resp, t)                                                                          \
	{                                                                                          \
		(x), (resp), (t), NELEM(t)                                                         \
	}

static const struct ike_exchange_rules exchange_rules[] = {
    RULES(IKE_SA_INIT, false, sa_init_req),
    RULES(IKE_SA_INIT, true, sa_init_resp),
    RULES(IKE_AUTH, false, auth_req),
    RULES(IKE_AUTH, true, auth_resp),
    RULES(IKE_CREATE_CHILD_SA, false, child_req),
    RULES(IKE_CREATE_CHILD_SA, true, child_resp),
    RULES(IKE_INFORMATIONAL, false, informational),
    RULES(IKE_INFORMATIONAL, true, informational),
};

const struct ike_exchange_rules *ike_rules_lookup(uint8_t exchange, bool response)
{
	for (size_t i = 0; i < NELEM(exchange_rules); i++) {
		if (exchange_rules[i].exchange == exchange &&
		    exchange_rules[i].response == response)
			return &exchange_rules[i];
	}
	return NULL;
}

static int ike_rule_fail(struct ike_rule_violation *v, enum ike_rule_error e, uint8_t type)
{
	v->error = e;
	v->type = type;
	return -EBADMSG;
}

int ike_msg_check_rules(const struct ike_msg *m, struct ike_rule_violation *v)
{
	const struct ike_exchange_rules *ex;
	uint8_t count[256];

	memset(v, 0, sizeof(*v));
	if (m->unsupported_critical)
		return ike_rule_fail(v, IKE_RULE_UNSUPPORTED_CRITICAL, m->unsupported_critical);
	ex = ike_rules_lookup(m->hdr.exchange, m->hdr.flags & IKE_FLAG_RESPONSE);
	if (ex == NULL)
		return ike_rule_fail(v, IKE_RULE_UNKNOWN_EXCHANGE, 0);

	memset(count, 0, sizeof(count));
	for (size_t i = 0; i < m->npld; i++) {
		const struct ike_pld *p = &m->pld[i];
		const struct ike_pld_rule *rule = NULL;

		for (size_t j = 0; j < ex->nrules; j++) {
			if (ex->rules[j].type == p->type) {
				rule = &ex->rules[j];
				break;
			}
		}
		if (rule == NULL) {
			if (!ike_payload_known(p->type))
				continue;
			return ike_rule_fail(v, IKE_RULE_NOT_ALLOWED, p->type);
		}
		if (rule->encrypted != p->encrypted)
			return ike_rule_fail(v, IKE_RULE_WRONG_PROTECTION, p->type);
		if (count[p->type] == rule->max)
			return ike_rule_fail(v, IKE_RULE_TOO_MANY, p->type);
		count[p->type]++;
	}
	for (size_t j = 0; j < ex->nrules; j++) {
		if (count[ex->rules[j].type] < ex->rules[j].min)
			return ike_rule_fail(v, IKE_RULE_MISSING, ex->rules[j].type);
	}
	/* every exchange after IKE_SA_INIT travels in exactly one SK or SKF */
	if (m->hdr.exchange != IKE_SA_INIT && count[IKE_PLD_SK] + count[IKE_PLD_SKF] != 1)
		return ike_rule_fail(v, IKE_RULE_MISSING, IKE_PLD_SK);
	return 0;
}
