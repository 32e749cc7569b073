/* SPDX-License-Identifier: ISC */
/* The bounded reader and writer. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ike_wire.h"

static void test_reader_underflow(void **state)
{
	static const uint8_t buf[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07};
	struct ike_reader r, sub;
	uint64_t v64 = 0;
	uint32_t v32;
	uint16_t v16;
	uint8_t v8, out[8];
	const uint8_t *p;

	ike_reader_init(&r, buf, sizeof(buf));
	assert_int_equal(ike_read_u64(&r, &v64), -EBADMSG);
	assert_int_equal(r.left, 7); /* a failed read consumes nothing */
	assert_int_equal(ike_read_u16(&r, &v16), 0);
	assert_int_equal(v16, 0x0102);
	assert_int_equal(ike_read_u32(&r, &v32), 0);
	assert_int_equal(v32, 0x03040506);
	assert_int_equal(ike_read_u16(&r, &v16), -EBADMSG);
	assert_int_equal(ike_read_u8(&r, &v8), 0);
	assert_int_equal(v8, 7);
	assert_int_equal(ike_read_u8(&r, &v8), -EBADMSG);
	assert_int_equal(ike_read_bytes(&r, out, 1), -EBADMSG);
	assert_int_equal(ike_read_ref(&r, 0, &p), 0);
	assert_int_equal(ike_read_skip(&r, 1), -EBADMSG);

	ike_reader_init(&r, buf, sizeof(buf));
	assert_int_equal(ike_read_sub(&r, 8, &sub), -EBADMSG);
	assert_int_equal(ike_read_sub(&r, 3, &sub), 0);
	assert_int_equal(sub.left, 3);
	assert_int_equal(r.left, 4);
	assert_int_equal(ike_read_u32(&sub, &v32), -EBADMSG);
	assert_int_equal(ike_read_skip(&r, SIZE_MAX), -EBADMSG);
}

static void test_writer_sticky(void **state)
{
	uint8_t buf[6];
	struct ike_writer w;
	size_t start;

	ike_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(ike_write_u32(&w, 0xdeadbeef), 0);
	assert_int_equal(ike_write_u32(&w, 1), -ENOSPC);
	assert_int_equal(w.len, 4);
	assert_int_equal(ike_write_u8(&w, 1), -ENOSPC); /* sticky even though it would fit */
	assert_memory_equal(buf, "\xde\xad\xbe\xef", 4);

	ike_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(ike_pld_begin(&w, 40, true, &start), 0);
	assert_int_equal(w.first_type, 40);
	assert_int_equal(ike_write_u16(&w, 0xabcd), 0);
	assert_int_equal(ike_pld_end(&w, start), 0);
	assert_memory_equal(buf, "\x00\x80\x00\x06\xab\xcd", 6);
	assert_int_equal(ike_write_u16_at(&w, 5, 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reader_underflow),
	    cmocka_unit_test(test_writer_sticky),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
