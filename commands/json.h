/*
 * json.h - one JSON writer for `show ... | json` (RFC 8259).
 *
 * Values are added in order; the writer puts the commas, the indentation
 * and the escapes.  Strings are written as valid UTF-8 (a byte that is not
 * part of a well-formed sequence becomes U+FFFD), control characters as
 * escapes; numbers are unsigned or signed 64-bit integers, never quoted.
 * A key is given for a member of an object and NULL for an array element.
 */
#ifndef IKESH_JSON_H
#define IKESH_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "cmd_int.h"

#define JSON_DEPTH_MAX 16

struct json {
	struct strbuf b;
	int depth;
	bool nonempty[JSON_DEPTH_MAX]; /* the container at this depth has a value */
	bool broken;		       /* nesting error: nothing is printed */
};

void json_obj_open(struct json *j, const char *key);
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_str(struct json *j, const char *key, const char *v); /* NULL: null */
void json_strn(struct json *j, const char *key, const char *v, size_t len);
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);

/* The finished text (malloc'd, ends in "\n"), or NULL when out of memory
 * or the containers do not balance.  The writer is reset. */
char *json_take(struct json *j);

/* `| json` on this command's output (filters.c): the handler writes its
 * data with the writer and hands it over with cmd_json_emit(); a command
 * that does not has its text lines wrapped as {"lines": [...]}. */
bool cmd_json(const struct cmd_sess *cs);
int cmd_json_emit(struct cmd_sess *cs, struct json *j);

#endif /* IKESH_JSON_H */

/* ---- The objects of each `show` command (show_json.c) -------------------
 * Each writes one top-level object from the same structs the text
 * output prints; docs/json.md lists the shapes. */
void jw_tunnels(struct json *j, const struct eng_tunnel_status *v, size_t n, time_t now);
void jw_ike_sas(struct json *j, const struct eng_tunnel_status *v, size_t n, time_t now);
void jw_ipsec_sas(struct json *j, const struct eng_tunnel_status *v, size_t n, time_t now);
void jw_sessions(struct json *j, const struct eng_tunnel_status *v, size_t n, time_t now);
void jw_ike_stats(struct json *j, const struct eng_ike_stats *st);
void jw_commits(struct json *j, const struct eng_commit_info *v, size_t n);
void jw_users(struct json *j, const struct eng_sess_info *v, size_t n);
/* A configuration (running or candidate) object by object; secrets as
 * `show running-config` prints them (masked unless secrets). */
int jw_config(struct json *j, struct eng_sess *es, enum eng_db db, bool secrets);
/* The tunnel's session status, as `show crypto session` words it. */
const char *session_status_name(enum eng_tun_state st);
