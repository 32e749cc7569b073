/*
 * eng_test.h - hooks for tests and benchmarks only; never called by the
 * program.
 */
#ifndef IKESH_ENG_TEST_H
#define IKESH_ENG_TEST_H

#include <stdbool.h>
#include <stdint.h>

/* Wall-clock time the engine sees, in milliseconds since the epoch;
 * 0 returns to the real clock.  Drives commit-confirmed expiry and the
 * times recorded in history. */
void eng_test_set_clock(int64_t now_ms);

/* After `after` more atomic file writes succeed, the next n stop once the
 * temporary file is written and synced, before the rename, as a crash
 * there would: the write fails with -EIO and the old file stays in place. */
void eng_test_fail_before_rename(int after, int n);

/* fsync on (the default) or off, for benchmarks on slow disks. */
void eng_test_set_fsync(bool on);

/* The kernel seam the IKE runtime uses (a fake one in exchange tests),
 * NULL without a runtime. */
struct kernel;
struct eng;
struct kernel *eng_test_kernel(struct eng *eng);
/* The firewall seam (engine/fw; the fake in exchange tests), NULL without
 * a runtime. */
struct fw;
struct fw *eng_test_fw(struct eng *eng);
/* With the fake kernel: the ICMP watchdog's server stops answering
 * (silent) or answers again. */
struct eng_addr;
int eng_test_icmp_silence(struct eng *eng, const struct eng_addr *server, bool silent);

#endif /* IKESH_ENG_TEST_H */
