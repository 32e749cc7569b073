/*
 * toy_codec.h - a stand-in grammar for the engine's unit tests, and small
 * helpers: an engine on a fresh temporary directory, objects to commit.
 */
#ifndef IKESH_TOY_CODEC_H
#define IKESH_TOY_CODEC_H

#include <stdarg.h>
#include <stdbool.h>

#include "engine.h"

union toy_any {
	struct eng_global g;
	struct eng_ikev1_policy v1;
	struct eng_ikev2_policy v2;
	struct eng_ipsec_policy ip;
	struct eng_tunnel t;
};

extern const struct eng_codec toy_codec;

struct tenv {
	char dir[64];
	char state[128], run[128];
	struct eng *eng;
	struct eng_diag open_diag;
};

/* dir: an existing directory from an earlier tenv, or NULL for a new one. */
void tenv_open(struct tenv *t, const char *dir);
/* close the engine (keep the directory) */
void tenv_close_engine(struct tenv *t);
void tenv_close(struct tenv *t);
struct eng_sess *tenv_admin(struct tenv *t, const char *user);

/* A valid IKEv2 tunnel: remote 192.0.2.N, pre-share key, no policies. */
void tunnel_init(struct eng_tunnel *t, const char *name, unsigned n);
/* put (deep copy taken by the engine), then clear the local object */
void put_tunnel(struct eng_sess *s, struct eng_tunnel *t);
void put_hostname(struct eng_sess *s, const char *name);
/* commit; asserts success; returns the id */
unsigned commit_ok(struct eng_sess *s, const char *comment);
/* commit check; returns the diag (caller frees) */
int commit_check(struct eng_sess *s, struct eng_diag *d);
char *file_text(const char *path);
void file_put(const char *path, const char *text);
bool diag_has(const struct eng_diag *d, const char *needle);

#endif
