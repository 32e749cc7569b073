/*
 * log.c - the engine's log ring and debug messages, and the clock every
 * layer reads (a test can set it: eng_test_set_clock).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eng_test.h"
#include "model.h"

static int64_t test_clock_ms;

void eng_test_set_clock(int64_t now_ms)
{
	test_clock_ms = now_ms;
}

int64_t eng_now_ms(void)
{
	struct timespec ts;

	if (test_clock_ms)
		return test_clock_ms;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void eng_logf(struct eng_log *log, enum eng_log_level level, const char *fmt, ...)
{
	struct eng_logent *e = &log->ring[(log->head + log->n) % ENG_LOG_RING];
	va_list ap;

	if (log->n == ENG_LOG_RING) {
		e = &log->ring[log->head];
		log->head = (log->head + 1) % ENG_LOG_RING;
	} else {
		log->n++;
	}
	e->when = (time_t)(eng_now_ms() / 1000);
	e->level = level;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (log->cb)
		log->cb(log->arg, level, e->msg);
}

void eng_debugf(struct eng_log *log, unsigned flag, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!(log->debug & flag) || !log->cb)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log->cb(log->arg, ENG_LOG_DEBUG, msg);
}

static const char *level_name(enum eng_log_level l)
{
	switch (l) {
	case ENG_LOG_ERR:
		return "ERR";
	case ENG_LOG_WARNING:
		return "WARNING";
	case ENG_LOG_NOTICE:
		return "NOTICE";
	default:
		return "INFO";
	}
}

int eng_log_ring_text(const struct eng_log *log, char **out)
{
	struct ebuf b = {0};

	ebuf_adds(&b, "");
	for (size_t i = 0; i < log->n; i++) {
		const struct eng_logent *e = &log->ring[(log->head + i) % ENG_LOG_RING];
		char when[40];
		struct tm tm;

		gmtime_r(&e->when, &tm);
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
		ebuf_addf(&b, "%s %s %s\n", when, level_name(e->level), e->msg);
	}
	*out = ebuf_take(&b);
	return *out ? 0 : -ENOMEM;
}
