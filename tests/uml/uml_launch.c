/* SPDX-License-Identifier: ISC */
/*
 * Starts the user-mode Linux kernel with the x86 XSTATE ptrace regset
 * hidden from it.
 *
 * Debian's UML 6.1 saves its processes' FPU state with PTRACE_GETREGSET /
 * SETREGSET(NT_X86_XSTATE) into a fixed 4 KiB-class buffer. On hosts whose
 * XSAVE area is larger (AMX: about 11 KiB) the host kernel refuses the
 * SETREGSET with EFAULT and UML panics when it starts init ("ptrace set fp
 * regs failed, errno = 14"). UML probes the regset once and falls back to
 * PTRACE_GETFPREGS/SETFPREGS when the probe fails, so a seccomp filter that
 * makes exactly those requests fail with EIO lets it boot on any host.
 *
 * usage: uml_launch KERNEL [ARGS...]
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/elf.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

#define ARG_LO(n) (offsetof(struct seccomp_data, args) + 8 * (n))

int main(int argc, char **argv)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ptrace, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    /* request: GETREGSET or SETREGSET */
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(0)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PTRACE_GETREGSET, 2, 0),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PTRACE_SETREGSET, 1, 0),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	    /* regset: NT_X86_XSTATE */
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LO(2)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NT_X86_XSTATE, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EIO & SECCOMP_RET_DATA)),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};

	if (argc < 2) {
		fprintf(stderr, "usage: %s KERNEL [ARGS...]\n", argv[0]);
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		fprintf(stderr, "uml_launch: cannot install the seccomp filter: %s\n",
			strerror(errno));
		return 2;
	}
	execv(argv[1], argv + 1);
	fprintf(stderr, "uml_launch: cannot run %s: %s\n", argv[1], strerror(errno));
	return 2;
}
