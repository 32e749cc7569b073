/*
 * ikeshd.c - the engine daemon: one engine shared by every ikesh session.
 *
 * A single-threaded poll loop over the listening socket, the clients, the
 * engine's own descriptors (IKE sockets, kernel events) and a signalfd.
 * Each client is a control connection (engine/ctl) whose role comes from
 * the socket's peer credentials: root, the daemon's own user and members
 * of ikesh-admin configure; other members of ikesh are operators; anyone
 * else is turned away.  A client that stops reading or sends half a
 * request is cut off after a few seconds, never waited for.
 *
 * Nobody can take every slot: a user other than root holds at most
 * USER_MAX sessions, operators together leave ADMIN_RESERVE slots to
 * admins, and admins leave ROOT_RESERVE to root.  A connection must send
 * its first request within FIRST_REQ_MS, and every request must be whole
 * REQ_MS after its first byte (so a request trickled a byte at a time
 * ends like a silent one).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "engine.h"

#ifndef IKESH_VERSION
#define IKESH_VERSION "0.0"
#endif

#define DEFAULT_STATE_DIR "/etc/ikesh"
#define DEFAULT_RUN_DIR	  "/run/ikesh"
#define MAX_CLIENTS	  64
#define ROOT_RESERVE	  4	/* slots only root and the daemon's user take */
#define ADMIN_RESERVE	  12	/* slots operators do not take */
#define USER_MAX	  16	/* sessions of one user, root excepted */
#define FIRST_REQ_MS	  10000 /* from connecting to the first whole request */
#define REQ_MS		  10000 /* from a request's first byte to its last */
#define STALL_MS	  10000 /* replies queued and not read */
#define ACCEPT_BURST	  16	/* connections taken per round */
#define ENG_FDS		  16

struct client {
	int fd;
	uid_t uid;
	char user[64];
	enum eng_role role;
	struct eng_ctl *ctl;
	int64_t opened;	      /* accepted */
	int64_t req_start;    /* first byte of the request coming in, 0: none */
	int64_t last_sent;    /* replies queued or last moved */
	bool sending;	      /* replies are queued */
	unsigned long served; /* eng_ctl_served when last looked */
};

struct daemon {
	const char *state_dir, *run_dir;
	const char *admin_group, *oper_group;
	bool no_ike, log_stderr;
	uint16_t ike_port;
	char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int lfd, sfd;
	struct eng *eng;
	struct client cl[MAX_CLIENTS];
	size_t n_cl;
	/* what opening the engine reported (startup-config errors): every
	 * new session is told, as the embedded engine tells its shell */
	struct eng_diag open_diag;
	/* the same refusal is logged once a second at most: a flood of
	 * connections must not become a flood of log lines */
	char refusal_last[192];
	int64_t refusal_logged;
	unsigned refusals_quiet;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void dlog(struct daemon *d, int prio, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void dlog(struct daemon *d, int prio, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	syslog(prio, "%s", msg);
	if (d->log_stderr)
		fprintf(stderr, "ikeshd: %s\n", msg);
}

/* The engine's log: syslog, and the clients with `terminal monitor`. */
static void eng_log(void *arg, enum eng_log_level level, const char *msg)
{
	struct daemon *d = arg;

	dlog(d, (int)level, "%s", msg);
	for (size_t i = 0; i < d->n_cl; i++)
		if (d->cl[i].ctl)
			eng_ctl_log(d->cl[i].ctl, level, msg);
}

/* ---- Roles ---------------------------------------------------------------- */

static bool in_group(const struct passwd *pw, const char *group)
{
	struct group *gr = group ? getgrnam(group) : NULL;
	gid_t gids[256];
	int n = 256;

	if (!gr)
		return false;
	if (pw->pw_gid == gr->gr_gid)
		return true;
	if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &n) < 0)
		n = 256; /* truncated: what fitted is still true */
	for (int i = 0; i < n; i++)
		if (gids[i] == gr->gr_gid)
			return true;
	return false;
}

/* -EACCES for a peer with no role here. */
static int peer_role(struct daemon *d, int fd, char *user, size_t len, uid_t *uid,
		     enum eng_role *role)
{
	struct ucred cr;
	socklen_t sl = sizeof(cr);
	struct passwd *pw;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &sl) < 0)
		return -errno;
	*uid = cr.uid;
	pw = getpwuid(cr.uid);
	if (pw && pw->pw_name)
		snprintf(user, len, "%s", pw->pw_name);
	else
		snprintf(user, len, "uid%u", (unsigned)cr.uid);
	if (cr.uid == 0 || cr.uid == geteuid() || (pw && in_group(pw, d->admin_group))) {
		*role = ENG_ROLE_ADMIN;
		return 0;
	}
	if (pw && in_group(pw, d->oper_group)) {
		*role = ENG_ROLE_OPERATOR;
		return 0;
	}
	return -EACCES;
}

/* The answer to whatever a refused peer asks first (its HELLO, seq 1). */
static void refuse(int fd, int32_t rc)
{
	uint8_t f[16];
	uint32_t len = 4, seq = 1;
	uint16_t ver = 1, type = 0x8000;

	memcpy(f, &len, 4);
	memcpy(f + 4, &ver, 2);
	memcpy(f + 6, &type, 2);
	memcpy(f + 8, &seq, 4);
	memcpy(f + 12, &rc, 4);
	if (send(fd, f, sizeof(f), MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
		/* nothing more to do for a peer we turn away */
	}
}

/* ---- Slots ---------------------------------------------------------------- */

static bool is_root(uid_t uid)
{
	return uid == 0 || uid == geteuid();
}

/* 0, -EUSERS (the user's own limit) or -EAGAIN (no slot open to it). */
static int admit(const struct daemon *d, uid_t uid, enum eng_role role)
{
	size_t cap = MAX_CLIENTS, mine = 0;

	if (!is_root(uid)) {
		cap -= ROOT_RESERVE;
		if (role != ENG_ROLE_ADMIN)
			cap -= ADMIN_RESERVE;
		for (size_t i = 0; i < d->n_cl; i++)
			mine += d->cl[i].uid == uid;
		if (mine >= USER_MAX)
			return -EUSERS;
	}
	return d->n_cl < cap ? 0 : -EAGAIN;
}

static void log_refusal(struct daemon *d, const char *user, const char *why)
{
	char line[sizeof(d->refusal_last)];
	int64_t now = now_ms();

	snprintf(line, sizeof(line), "%s: %s; refused", user, why);
	if (strcmp(line, d->refusal_last) == 0 && now - d->refusal_logged < 1000) {
		d->refusals_quiet++;
		return;
	}
	if (d->refusals_quiet)
		dlog(d, LOG_WARNING, "the refusal before was repeated %u more times",
		     d->refusals_quiet);
	dlog(d, LOG_WARNING, "%s", line);
	memcpy(d->refusal_last, line, sizeof(line));
	d->refusal_logged = now;
	d->refusals_quiet = 0;
}

/* ---- Clients -------------------------------------------------------------- */

static void client_drop(struct daemon *d, size_t i)
{
	struct eng_ctl *ctl = d->cl[i].ctl;

	/* out of the list first: closing the session may log */
	d->cl[i] = d->cl[--d->n_cl];
	eng_ctl_free(ctl);
}

/* false when there was nobody to accept. */
static bool client_accept(struct daemon *d)
{
	char user[64] = "?", why[128];
	enum eng_role role = ENG_ROLE_OPERATOR;
	struct eng_ctl *ctl;
	uid_t uid = (uid_t)-1;
	int fd = accept4(d->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	int rc;

	if (fd < 0)
		return false;
	rc = peer_role(d, fd, user, sizeof(user), &uid, &role);
	if (rc) {
		snprintf(why, sizeof(why), "no role (not in %s or %s)", d->admin_group,
			 d->oper_group);
		log_refusal(d, user, why);
		refuse(fd, -EACCES);
		close(fd);
		return true;
	}
	rc = admit(d, uid, role);
	if (rc) {
		if (rc == -EUSERS)
			snprintf(why, sizeof(why), "already %d sessions of that user (the limit)",
				 USER_MAX);
		else
			snprintf(why, sizeof(why), "every slot open to an %s is in use (%zu of %d)",
				 role == ENG_ROLE_ADMIN ? "admin" : "operator", d->n_cl,
				 MAX_CLIENTS);
		log_refusal(d, user, why);
		refuse(fd, rc);
		close(fd);
		return true;
	}
	rc = eng_ctl_new(d->eng, user, role, &ctl);
	if (rc) {
		dlog(d, LOG_ERR, "%s: cannot open a session: %s", user, strerror(-rc));
		close(fd);
		return true;
	}
	d->cl[d->n_cl] =
	    (struct client){.fd = fd, .uid = uid, .role = role, .ctl = ctl, .opened = now_ms()};
	snprintf(d->cl[d->n_cl++].user, sizeof(d->cl[0].user), "%s", user);
	for (size_t i = 0; i < d->open_diag.n; i++)
		eng_ctl_notice(ctl, ENG_LOG_ERR, d->open_diag.lines[i]);
	dlog(d, LOG_INFO, "session of %s (%s) opened", user,
	     role == ENG_ROLE_ADMIN ? "admin" : "operator");
	return true;
}

/* Send what is queued; false when the connection is gone. */
static bool client_flush(struct client *c, int64_t now)
{
	const void *p;
	size_t len;

	if (!c->sending && eng_ctl_pending(c->ctl, &p) > 0) {
		c->sending = true;
		c->last_sent = now;
	}
	while ((len = eng_ctl_pending(c->ctl, &p)) > 0) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK;
		eng_ctl_sent(c->ctl, (size_t)n);
		c->last_sent = now;
	}
	c->sending = false;
	return true;
}

/* After input was taken: when did the request now coming in start? */
static void client_track(struct client *c, int64_t now)
{
	unsigned long served = eng_ctl_served(c->ctl);

	if (!eng_ctl_partial(c->ctl))
		c->req_start = 0;
	else if (!c->req_start || served != c->served)
		c->req_start = now; /* a new request's first bytes */
	c->served = served;
}

/* When the connection is cut off unless something changes (-1: never),
 * and why. */
static int64_t client_deadline(const struct client *c, const char **why)
{
	int64_t due = -1;

	if (eng_ctl_served(c->ctl) == 0) {
		due = c->opened + FIRST_REQ_MS;
		*why = "no whole request 10 s after connecting";
	}
	if (c->req_start && (due < 0 || c->req_start + REQ_MS < due)) {
		due = c->req_start + REQ_MS;
		*why = "a request not whole 10 s after its first byte";
	}
	if (c->sending && (due < 0 || c->last_sent + STALL_MS < due)) {
		due = c->last_sent + STALL_MS;
		*why = "replies not read for 10 s";
	}
	return due;
}

/* Read and serve; false when the connection is to be closed. */
static bool client_read(struct client *c)
{
	static uint8_t buf[65536];
	size_t want = eng_ctl_want(c->ctl);
	ssize_t n;
	int rc;

	if (want == 0)
		return eng_ctl_input(c->ctl, NULL, 0) == 0;
	if (want > sizeof(buf))
		want = sizeof(buf);
	n = recv(c->fd, buf, want, MSG_DONTWAIT);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK;
	if (n == 0)
		return false;
	rc = eng_ctl_input(c->ctl, buf, (size_t)n);
	eng_wipe(buf, (size_t)n);
	if (rc < 0) {
		client_flush(c, now_ms()); /* the error reply, if any */
		return false;
	}
	return true;
}

/* ---- Setup -------------------------------------------------------------------- */

/*
 * The socket appears under its name only once it listens (bound under a
 * temporary name, then renamed over the old one): a client that finds it
 * is never refused for having come too early.
 */
static int listen_socket(struct daemon *d)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX}, tmp = {.sun_family = AF_UNIX};
	struct group *gr;
	int fd, probe, rc;

	if ((size_t)snprintf(d->sock_path, sizeof(d->sock_path), "%s/%s", d->run_dir,
			     ENG_CTL_SOCKET) >= sizeof(d->sock_path) ||
	    (size_t)snprintf(tmp.sun_path, sizeof(tmp.sun_path), "%s/.%s.%ld", d->run_dir,
			     ENG_CTL_SOCKET, (long)getpid()) >= sizeof(tmp.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, d->sock_path, sizeof(sa.sun_path));
	/* a socket nobody answers on is what a killed daemon left */
	probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		close(probe);
		return -EADDRINUSE;
	}
	if (probe >= 0)
		close(probe);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	unlink(tmp.sun_path);
	if (bind(fd, (struct sockaddr *)&tmp, sizeof(tmp)) < 0)
		goto fail;
	gr = getgrnam(d->oper_group);
	if (gr && chown(tmp.sun_path, (uid_t)-1, gr->gr_gid) < 0)
		goto fail;
	if (chmod(tmp.sun_path, 0660) < 0 || listen(fd, 16) < 0 ||
	    rename(tmp.sun_path, d->sock_path) < 0)
		goto fail;
	d->lfd = fd;
	return 0;
fail:
	rc = -errno;
	close(fd);
	unlink(tmp.sun_path);
	return rc;
}

static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/* true: SIGTERM or SIGINT, time to go. */
static bool on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;
	bool stop = false;

	while (read(d->sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			dlog(d, LOG_NOTICE,
			     "SIGHUP ignored: configuration changes go through commit");
		else
			stop = true;
	}
	return stop;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ikeshd [--state-dir DIR] [--run-dir DIR] [--no-ike] [--ike-port PORT]\n"
		"              [--admin-group G] [--operator-group G] [--stderr]\n"
		"\n"
		"  --state-dir DIR       startup-config and history (IKESH_STATE_DIR, "
		"default " DEFAULT_STATE_DIR ")\n"
		"  --run-dir DIR         running configuration and the socket (IKESH_RUN_DIR, "
		"default " DEFAULT_RUN_DIR ")\n"
		"  --no-ike              configuration only, do not negotiate tunnels\n"
		"  --ike-port PORT       UDP port for IKE, PORT+1 for NAT-T (default 500, 4500)\n"
		"  --admin-group G       group whose members configure (default ikesh-admin)\n"
		"  --operator-group G    group whose members may look (default ikesh)\n"
		"  --stderr              log to standard error as well as syslog\n"
		"  --help, --version\n");
}

static int parse_opts(struct daemon *d, int argc, char **argv)
{
	static const struct option lo[] = {
	    {"state-dir", required_argument, NULL, 's'},
	    {"run-dir", required_argument, NULL, 'r'},
	    {"no-ike", no_argument, NULL, 'n'},
	    {"ike-port", required_argument, NULL, 'p'},
	    {"admin-group", required_argument, NULL, 'a'},
	    {"operator-group", required_argument, NULL, 'o'},
	    {"stderr", no_argument, NULL, 'e'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	d->state_dir = getenv("IKESH_STATE_DIR");
	d->run_dir = getenv("IKESH_RUN_DIR");
	if (!d->state_dir || !d->state_dir[0])
		d->state_dir = DEFAULT_STATE_DIR;
	if (!d->run_dir || !d->run_dir[0])
		d->run_dir = DEFAULT_RUN_DIR;
	d->admin_group = "ikesh-admin";
	d->oper_group = "ikesh";
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			d->state_dir = optarg;
			break;
		case 'r':
			d->run_dir = optarg;
			break;
		case 'n':
			d->no_ike = true;
			break;
		case 'p': {
			char *end;
			unsigned long port = strtoul(optarg, &end, 10);

			if (*end || port < 1 || port > 65534) {
				fprintf(stderr, "ikeshd: --ike-port: not a port number: %s\n",
					optarg);
				return -EINVAL;
			}
			d->ike_port = (uint16_t)port;
			break;
		}
		case 'a':
			d->admin_group = optarg;
			break;
		case 'o':
			d->oper_group = optarg;
			break;
		case 'e':
			d->log_stderr = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("ikeshd %s\n", IKESH_VERSION);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ikeshd: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* ---- The loop ------------------------------------------------------------------ */

static void run(struct daemon *d)
{
	struct pollfd pfd[2 + ENG_FDS + MAX_CLIENTS];

	for (;;) {
		int efd[ENG_FDS];
		size_t ne = eng_poll_fds(d->eng, efd, ENG_FDS), np = 0, base;
		int timeout = eng_next_timeout_ms(d->eng);
		int64_t now = now_ms();
		int prc;

		pfd[np++] = (struct pollfd){.fd = d->sfd, .events = POLLIN};
		pfd[np++] = (struct pollfd){.fd = d->lfd, .events = POLLIN};
		for (size_t i = 0; i < ne; i++)
			pfd[np++] = (struct pollfd){.fd = efd[i], .events = POLLIN};
		base = np;
		for (size_t i = 0; i < d->n_cl; i++) {
			const void *p;
			const char *why;
			short ev = 0;
			int64_t due = client_deadline(&d->cl[i], &why);

			if (eng_ctl_want(d->cl[i].ctl))
				ev |= POLLIN;
			if (eng_ctl_pending(d->cl[i].ctl, &p) > 0)
				ev |= POLLOUT;
			if (due >= 0) {
				int left = due <= now ? 0 : (int)(due - now);

				if (timeout < 0 || left < timeout)
					timeout = left;
			}
			pfd[np++] = (struct pollfd){.fd = d->cl[i].fd, .events = ev};
		}
		prc = poll(pfd, np, timeout);
		if (prc < 0 && errno != EINTR) {
			dlog(d, LOG_ERR, "poll: %s", strerror(errno));
			return;
		}
		if (prc > 0 && (pfd[0].revents & POLLIN) && on_signal(d))
			return;
		/* the engine first: timers and IKE do not wait for clients */
		eng_tick(d->eng);
		now = now_ms();
		/* clients from the back, so a drop (swap with the last) is safe */
		for (size_t i = d->n_cl; i-- > 0;) {
			struct client *c = &d->cl[i];
			short re = i < np - base ? pfd[base + i].revents : 0;
			const char *why = "";
			int64_t due;
			bool keep = true;

			if (prc > 0 && (re & (POLLIN | POLLHUP | POLLERR)))
				keep = client_read(c);
			else if (eng_ctl_want(c->ctl) == 0)
				keep = eng_ctl_input(c->ctl, NULL, 0) == 0;
			client_track(c, now);
			if (keep)
				keep = client_flush(c, now);
			due = client_deadline(c, &why);
			if (keep && due >= 0 && now >= due) {
				dlog(d, LOG_NOTICE, "session of %s: %s; closed", c->user, why);
				keep = false;
			}
			if (!keep) {
				close(c->fd);
				client_drop(d, i);
			}
		}
		/* a burst at most: the clients and the engine are not starved */
		for (int n = 0; prc > 0 && (pfd[1].revents & POLLIN) && n < ACCEPT_BURST; n++)
			if (!client_accept(d))
				break;
	}
}

/* Every tunnel's keys live in this process: no core dump carries them,
 * and no process of the daemon's user may read them (ptrace, /proc). */
static void no_core_dumps(void)
{
	struct rlimit none = {0, 0};

	setrlimit(RLIMIT_CORE, &none);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int main(int argc, char **argv)
{
	struct daemon d = {.lfd = -1, .sfd = -1};
	struct eng_runtime_opts rt = {0};
	struct eng_opts eo = {0};
	int rc, status = 1;

	no_core_dumps();
	signal(SIGPIPE, SIG_IGN);
	if (parse_opts(&d, argc, argv) < 0)
		return 2;
	openlog("ikeshd", LOG_PID, LOG_DAEMON);
	d.sfd = signal_fd();
	if (d.sfd < 0) {
		dlog(&d, LOG_ERR, "signalfd: %s", strerror(errno));
		return 1;
	}
	eo.state_dir = d.state_dir;
	eo.run_dir = d.run_dir;
	eo.codec = cmd_codec();
	eo.log = eng_log;
	eo.log_arg = &d;
	if (!d.no_ike) {
		rt.ike_port = d.ike_port;
		rt.natt_port = d.ike_port ? (uint16_t)(d.ike_port + 1) : 0;
		rt.peer_port = d.ike_port;
		rt.peer_natt_port = rt.natt_port;
		eo.runtime = &rt;
	}
	rc = eng_open(&eo, &d.eng, &d.open_diag);
	for (size_t i = 0; i < d.open_diag.n; i++)
		dlog(&d, LOG_ERR, "%s", d.open_diag.lines[i]);
	if (rc < 0) {
		dlog(&d, LOG_ERR, "cannot open the engine (state %s, run %s): %s", d.state_dir,
		     d.run_dir, strerror(-rc));
		goto out;
	}
	rc = listen_socket(&d);
	if (rc < 0) {
		dlog(&d, LOG_ERR, "%s/%s: %s", d.run_dir, ENG_CTL_SOCKET,
		     rc == -EADDRINUSE ? "another ikeshd answers there" : strerror(-rc));
		goto out_eng;
	}
	dlog(&d, LOG_INFO, "ikeshd %s listening on %s", IKESH_VERSION, d.sock_path);
	run(&d);
	dlog(&d, LOG_INFO, "shutting down");
	status = 0;
	while (d.n_cl) {
		close(d.cl[d.n_cl - 1].fd);
		client_drop(&d, d.n_cl - 1);
	}
	close(d.lfd);
	unlink(d.sock_path);
out_eng:
	eng_close(d.eng);
out:
	eng_diag_free(&d.open_diag);
	close(d.sfd);
	closelog();
	return status;
}
