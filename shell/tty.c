/*
 * tty.c - the interactive terminal: GNU readline in callback mode, `?`
 * help, TAB completion, the --More-- pager, Ctrl-C/D/Z, questions.
 *
 * Readline runs in callback mode so that the loop can wait on the
 * terminal and on the engine's timers at once: a `commit confirmed`
 * reverts while the prompt waits.  A complete line is taken out of
 * readline (the handler is removed) and run with the terminal in its
 * normal mode, echo off, so that keys typed ahead during the output are
 * echoed once, by readline, at the next prompt.
 */
#include <errno.h>
#include <limits.h>
#include <time.h>
#include <poll.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termcap.h>
#include <termios.h>
#include <unistd.h>

#include "shell.h"

#define MORE " --More-- "

static struct shell *g_sh;
static struct termios g_saved; /* the terminal as we found it */
static bool g_saved_ok;
static bool g_installed; /* the readline handler is installed */
static char g_prompt[160];
static char *g_line; /* a line taken from readline */
static bool g_have_line, g_read_eof, g_abort_line, g_ctrlz;
static unsigned g_window_cols; /* the width the window had */
static unsigned g_window_rows; /* and its height */

/* ---- Terminal modes ----------------------------------------------------- */

static void tty_mode(bool canon, bool echo, bool sig)
{
	struct termios t = g_saved;

	if (!g_saved_ok)
		return;
	t.c_lflag = canon ? t.c_lflag | ICANON : t.c_lflag & ~(tcflag_t)ICANON;
	t.c_lflag = echo ? t.c_lflag | ECHO : t.c_lflag & ~(tcflag_t)(ECHO);
	t.c_lflag = sig ? t.c_lflag | ISIG : t.c_lflag & ~(tcflag_t)ISIG;
	t.c_iflag |= ICRNL;
	t.c_oflag |= OPOST | ONLCR;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(STDIN_FILENO, TCSANOW, &t);
}

static void tty_restore(void)
{
	if (g_installed) {
		rl_callback_handler_remove();
		g_installed = false;
	}
	if (g_saved_ok)
		tcsetattr(STDIN_FILENO, TCSANOW, &g_saved);
	fflush(stdout);
}

/* Readline's terminal mode, with Ctrl-C and Ctrl-Z arriving as keys. */
static void tty_prep(int meta)
{
	struct termios t;

	rl_prep_terminal(meta);
	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		t.c_cc[VINTR] = _POSIX_VDISABLE;
		t.c_cc[VSUSP] = _POSIX_VDISABLE;
		t.c_cc[VQUIT] = _POSIX_VDISABLE;
		tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
	}
}

/*
 * A test hook (IKESH_TEST_READY=1, set by tests/cli/transcript.py): each
 * time ikesh is about to wait for the terminal it prints an invisible
 * OSC sequence with the number of bytes it has read from the terminal.
 * In the same stream as everything shown before it, so a test that sees
 * the count of what it typed knows the screen is complete, whatever the
 * machine's load; no test has to guess from a quiet moment.
 */
static bool g_ready_marks;
static unsigned long g_keys_read;

static void mark_ready(void)
{
	if (!g_ready_marks)
		return;
	printf("\033]ikesh-ready;%lu\007", g_keys_read + (unsigned long)shell_tty_sigints);
	fflush(stdout);
}

/* Tells a real end of input (the terminal went away) from Ctrl-D. */
static int tty_getc(FILE *f)
{
	int c = rl_getc(f);

	if (c < 0)
		g_read_eof = true;
	else
		g_keys_read++;
	return c;
}

/* ---- Output and the pager ----------------------------------------------- */

static void put_safe(const char *s)
{
	shell_fput_safe(stdout, s);
}

/* A message of several lines ("% Invalid input...\n% reason"). */
static void put_lines_safe(const char *msg)
{
	const char *p = msg;

	for (;;) {
		size_t len = strcspn(p, "\n");
		char *line = strndup(p, len);

		if (line)
			put_safe(line);
		free(line);
		if (!p[len])
			break;
		p += len + 1;
	}
}

static unsigned rows_of(const struct shell *sh, const char *line)
{
	size_t len = strlen(line);
	unsigned width = sh->term.width ? sh->term.width : 80;

	return len == 0 ? 1 : (unsigned)((len + width - 1) / width);
}

/* One key, raw: Ctrl-C arrives as 0x03.  -1 on EOF or a signal. */
static int read_key(void)
{
	struct termios before;
	bool restore = tcgetattr(STDIN_FILENO, &before) == 0;
	unsigned char c;
	ssize_t n;

	fflush(stdout);
	tty_mode(false, false, false);
	mark_ready();
	do {
		n = read(STDIN_FILENO, &c, 1);
	} while (n < 0 && errno == EINTR && !shell_sigterm && !shell_sigint);
	if (restore)
		tcsetattr(STDIN_FILENO, TCSANOW, &before);
	if (n == 1)
		g_keys_read++;
	return n == 1 ? c : -1;
}

/* --More--: 0 to go on, -1 when the reader stopped the output. */
static int more(struct shell *sh)
{
	int key;

	fputs(MORE, stdout);
	key = read_key();
	fputs("\r" MORE "\r", stdout);
	for (size_t i = 0; i < strlen(MORE); i++)
		putchar(' ');
	putchar('\r');
	if (key == ' ') {
		sh->rows = 0;
		return 0;
	}
	if (key == '\r' || key == '\n') {
		sh->one_more = true;
		return 0;
	}
	sh->stopped = true;
	return -1;
}

static void note_interrupt(struct shell *sh)
{
	if (!sh->stopped && sh->echo_caret)
		fputs("^C\n", stdout);
	sh->stopped = true;
}

static int tty_out(void *arg, const char *line)
{
	struct shell *sh = arg;
	unsigned rows;

	if (shell_sigint || shell_sigterm)
		note_interrupt(sh);
	if (sh->stopped)
		return -1;
	rows = rows_of(sh, line);
	/* a page is length - 1 rows of output and the --More-- row; after
	 * Enter, one line more whatever its height */
	if (sh->term.length > 1 && sh->rows > 0 && sh->rows + rows > sh->term.length - 1 &&
	    !sh->one_more && more(sh) < 0)
		return -1;
	if (sh->one_more) {
		sh->one_more = false;
		sh->rows = sh->term.length;
	}
	put_safe(line);
	sh->rows += rows;
	return 0;
}

static void tty_err(void *arg, const char *line)
{
	put_safe(line);
}

/*
 * A question, answered on a line we edit and echo ourselves (raw mode):
 * keys typed ahead, before the question was shown, are echoed as they
 * are read, like the rest of the typed-ahead line.  Enter ends the
 * answer; Backspace and Ctrl-U edit it; Ctrl-C, or Ctrl-D on an empty
 * answer, returns -1 (no answer).
 */
static int ask_line(const char *question, char *buf, size_t len, bool echo)
{
	size_t n = 0;
	int rc = -1;

	if (len == 0)
		return -1;
	fputs(question, stdout);
	for (;;) {
		int c = read_key();

		if (c < 0 || c == 3 || (c == 4 && n == 0)) {
			if (c == 3)
				fputs("^C", stdout);
			break;
		}
		if (c == '\r' || c == '\n') {
			rc = 0;
			break;
		}
		if ((c == 0x7f || c == '\b') && n > 0) {
			n--;
			if (echo)
				fputs("\b \b", stdout);
		} else if (c == 0x15) {
			for (; n > 0; n--)
				if (echo)
					fputs("\b \b", stdout);
		} else if (c >= 0x20 && c < 0x7f && n + 1 < len) {
			buf[n++] = (char)c;
			if (echo)
				putchar(c);
		}
	}
	putchar('\n');
	buf[n] = '\0';
	while (echo && n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0'; /* a secret is taken as typed */
	shell_sigint = 0;
	return rc;
}

static int tty_ask(void *arg, const char *question, char *buf, size_t len)
{
	return ask_line(question, buf, len, true);
}

/* A passphrase: nothing of it reaches the screen. */
static int tty_ask_secret(void *arg, const char *question, char *buf, size_t len)
{
	return ask_line(question, buf, len, false);
}

/* `show history`: readline's list holds the masked lines only. */
static size_t tty_history(void *arg, const char **lines, size_t max)
{
	HIST_ENTRY **list = history_list();
	size_t n = 0, total = 0;

	while (list && list[total])
		total++;
	for (size_t i = total > max ? total - max : 0; i < total; i++)
		lines[n++] = list[i]->line;
	return n;
}

static bool tty_interrupted(void *arg)
{
	return shell_sigint || shell_sigterm;
}

void shell_tty_io(struct shell *sh)
{
	sh->io = (struct cmd_io){tty_out,   tty_err,	 tty_ask,	  sh,
				 &sh->term, tty_history, tty_interrupted, tty_ask_secret};
}

/* A log line (shell_log decided it is shown): one line per message; at
 * the prompt the line being typed is redrawn below it. */
void shell_tty_log(struct shell *sh, enum eng_log_level level, const char *msg)
{
	if (sh->at_prompt) {
		rl_clear_visible_line();
		put_safe(msg);
		rl_on_new_line();
		rl_redisplay();
		fflush(stdout);
	} else {
		put_safe(msg);
	}
}

/* ---- Keys ----------------------------------------------------------------- */

/* Is position `end` of the line inside quotes (the tokenizer's rule)? */
static bool in_quotes(const char *s, int end)
{
	char q = 0;

	for (int i = 0; i < end && s[i]; i++) {
		if (q) {
			if (s[i] == '\\' && q == '"' && i + 1 < end)
				i++;
			else if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'') {
			q = s[i];
		} else if (s[i] == '\\' && i + 1 < end) {
			i++;
		}
	}
	return q != 0;
}

/* Start a block of output below the line being edited. */
static void below_line(const char *echo)
{
	int point = rl_point;

	rl_point = rl_end;
	rl_redisplay();
	rl_point = point;
	fputs(echo, stdout);
	fputs("\n", stdout);
	g_sh->rows = 0;
	g_sh->one_more = false;
	g_sh->stopped = false;
	g_sh->echo_caret = false;
	g_sh->at_prompt = false;
}

static void back_to_line(void)
{
	g_sh->at_prompt = true;
	rl_on_new_line();
	rl_redisplay();
}

/* `?`: context help for the line up to the cursor; the `?` is not kept. */
static int key_help(int count, int key)
{
	char *text;

	if (in_quotes(rl_line_buffer, rl_point))
		return rl_insert(count, key);
	text = strndup(rl_line_buffer, (size_t)rl_point);
	if (!text)
		return rl_ding();
	below_line("?");
	cmd_help(g_sh->cs, text);
	free(text);
	back_to_line();
	return 0;
}

/* TAB: one candidate completes the word (and a blank); several extend it
 * to their common prefix, or are listed when there is none to add. */
static int key_tab(int count, int key)
{
	struct cmd_completions c;
	char *text = strndup(rl_line_buffer, (size_t)rl_point);
	int ws = rl_point;
	size_t typed, common;

	if (!text || in_quotes(rl_line_buffer, rl_point)) {
		free(text);
		return rl_ding();
	}
	while (ws > 0 && text[ws - 1] != ' ' && text[ws - 1] != '\t' && text[ws - 1] != '|')
		ws--;
	typed = strlen(text + ws);
	cmd_complete(g_sh->cs, text, &c);
	free(text);
	if (c.n == 0) {
		rl_ding();
		goto done;
	}
	common = strlen(c.words[0]);
	for (size_t i = 1; i < c.n; i++) {
		size_t k = 0;
		while (k < common && c.words[i][k] == c.words[0][k])
			k++;
		common = k;
	}
	if (c.n == 1 || common > typed) {
		char *ins = strndup(c.words[0], common);
		if (!ins)
			goto done;
		rl_begin_undo_group();
		rl_delete_text(ws, rl_point);
		rl_point = ws;
		rl_insert_text(ins);
		if (c.n == 1)
			rl_insert_text(" ");
		rl_end_undo_group();
		free(ins);
		goto done;
	}
	below_line("");
	{
		size_t len = 0;
		char *list;
		for (size_t i = 0; i < c.n; i++)
			len += strlen(c.words[i]) + 2;
		list = calloc(1, len + 1);
		for (size_t i = 0; list && i < c.n; i++) {
			strcat(list, c.words[i]);
			if (i + 1 < c.n)
				strcat(list, "  ");
		}
		if (list)
			tty_out(g_sh, list);
		free(list);
	}
	back_to_line();
done:
	cmd_completions_free(&c);
	return 0;
}

/* Ctrl-C drops the line being typed. */
static int key_ctrl_c(int count, int key)
{
	rl_point = rl_end;
	rl_redisplay();
	fputs("^C", stdout);
	g_abort_line = true;
	return rl_newline(1, '\n');
}

/* Ctrl-Z runs the line, if any, then `end` (IOS); nothing in EXEC mode. */
static int key_ctrl_z(int count, int key)
{
	if (!cmd_in_config(g_sh->cs))
		return rl_ding();
	rl_point = rl_end;
	rl_redisplay();
	fputs("^Z", stdout);
	g_ctrlz = true;
	return rl_newline(1, '\n');
}

static void on_line(char *line)
{
	g_line = line;
	g_have_line = true;
	rl_callback_handler_remove();
	g_installed = false;
	g_sh->at_prompt = false;
}

static void install(struct shell *sh)
{
	cmd_prompt(sh->cs, g_prompt, sizeof(g_prompt));
	g_abort_line = g_ctrlz = false;
	/* readline echoes only when the terminal it prepares echoes */
	tty_mode(true, true, true);
	rl_callback_handler_install(g_prompt, on_line);
	g_installed = true;
	sh->at_prompt = true;
	fflush(stdout);
}

/* ---- Running a line ------------------------------------------------------- */

static void syntax_error(struct shell *sh, const struct cmd_result *res)
{
	if (res->status == CMD_INVALID) {
		int col = (int)strlen(g_prompt) + (res->column > 0 ? res->column : 0);
		int rows = 0, cols = 0;

		/* a long line wrapped: the caret goes on the row below the
		 * bad word's row, at its column there */
		rl_get_screen_size(&rows, &cols);
		if (cols > 0)
			col %= cols;
		printf("%*s^\n", col, "");
	}
	put_lines_safe(res->msg);
	if (res->status != CMD_DENIED)
		putchar('\n');
}

/* Returns true when the session ends. */
static bool run_line(struct shell *sh, const char *line)
{
	struct cmd_result res;

	sh->rows = 0;
	sh->one_more = false;
	sh->stopped = false;
	sh->echo_caret = true;
	shell_sigint = 0;
	tty_mode(true, false, true);
	cmd_exec(sh->cs, line, &res);
	if (shell_sigint)
		note_interrupt(sh);
	shell_sigint = 0;
	switch (res.status) {
	case CMD_INVALID:
	case CMD_AMBIGUOUS:
	case CMD_INCOMPLETE:
	case CMD_DENIED:
		syntax_error(sh, &res);
		break;
	case CMD_QUIT:
		return true;
	case CMD_FAILED:
		/* a handler printed why; a filter refused before it ran did not */
		if (res.msg[0])
			put_lines_safe(res.msg);
		break;
	default:
		break;
	}
	fflush(stdout);
	return false;
}

/* A complete line from readline (NULL: Ctrl-D or the end of input). */
static bool take_line(struct shell *sh, char *raw)
{
	bool quit = false;
	char *line;

	if (!raw) {
		if (g_read_eof || !cmd_in_config(sh->cs)) {
			putchar('\n');
			return true;
		}
		/* Ctrl-D at an empty configuration prompt is ignored (IOS). */
		putchar('\r');
		return false;
	}
	if (g_abort_line) {
		eng_secret_free(raw);
		return false;
	}
	line = malloc(strlen(raw) + 1);
	if (!line) {
		eng_secret_free(raw);
		return false;
	}
	/* Typed lines keep `!` and `#` inside them (`| include !`); a whole
	 * comment line, as pasted from a script, is skipped. */
	if (raw[strspn(raw, " \t")] == '!' || raw[strspn(raw, " \t")] == '#')
		line[0] = '\0';
	else
		memcpy(line, raw, strlen(raw) + 1);
	eng_secret_free(raw); /* a typed key; history keeps the masked line only */
	if (line[strspn(line, " \t")]) {
		char *masked = cmd_mask_secrets(sh->cs, line);
		if (masked)
			add_history(masked);
		free(masked);
		quit = run_line(sh, line);
	}
	if (!quit && g_ctrlz && cmd_in_config(sh->cs))
		quit = run_line(sh, "end");
	eng_secret_free(line);
	return quit;
}

static void tick(struct shell *sh)
{
	char now[sizeof(g_prompt)];

	eng_tick(sh->eng);
	cmd_prompt(sh->cs, now, sizeof(now));
	if (g_installed && strcmp(now, g_prompt) != 0) {
		memcpy(g_prompt, now, sizeof(g_prompt));
		rl_clear_visible_line();
		rl_set_prompt(g_prompt);
		rl_on_new_line();
		rl_redisplay();
	}
	fflush(stdout);
}

/*
 * Readline keeps the edits of a recalled line as an undo list in the
 * history entry's data, which clear_history() does not free: release
 * them (and the line being typed) first.
 */
static void forget_history(void)
{
	HIST_ENTRY **list = history_list();

	rl_free_undo_list();
	for (int i = 0; list && list[i]; i++) {
		if (!list[i]->data)
			continue;
		rl_undo_list = (UNDO_LIST *)list[i]->data;
		rl_free_undo_list();
		list[i]->data = NULL;
	}
	clear_history();
}

/* A new window size: readline redraws; the pager follows the width and
 * the height unless `terminal width` / `terminal length` set another. */
static void window_resized(struct shell *sh)
{
	struct winsize ws;

	rl_resize_terminal();
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) < 0)
		return;
	if (ws.ws_col > 0) {
		if (sh->term.width == g_window_cols)
			sh->term.width = ws.ws_col;
		g_window_cols = ws.ws_col;
	}
	if (ws.ws_row > 0) {
		unsigned rows = ws.ws_row > 512 ? 512 : ws.ws_row; /* terminal length's limit */

		if (sh->term.length == g_window_rows)
			sh->term.length = rows;
		g_window_rows = rows;
	}
}

/* IKE sockets (4) and kernel events (1), with room to spare */
#define SHELL_ENG_FDS 8

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* exec-timeout of the running configuration, in minutes (0 = never). */
static unsigned idle_minutes(struct shell *sh)
{
	struct eng_global g;
	unsigned m = ENG_DEFAULT_EXEC_TIMEOUT;

	if (eng_obj_get(sh->es, ENG_RUNNING, ENG_OBJ_GLOBAL, NULL, &g) == 0) {
		if (g.exec_timeout_set)
			m = g.exec_timeout;
		eng_obj_clear(ENG_OBJ_GLOBAL, &g);
	}
	return m;
}

int shell_tty_run(struct shell *sh)
{
	bool quit = false;
	/* the idle timer: no key for exec-timeout minutes logs the session
	 * out (read again after every command: a commit may change it) */
	unsigned idle_min;
	int64_t last_key = mono_ms();

	g_sh = sh;
	g_ready_marks = getenv("IKESH_TEST_READY") && strcmp(getenv("IKESH_TEST_READY"), "1") == 0;
	g_window_cols = sh->term.width;
	g_window_rows = sh->term.length;
	g_saved_ok = tcgetattr(STDIN_FILENO, &g_saved) == 0;
	atexit(tty_restore);
	shell_signals_install();
	rl_readline_name = "ikesh";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_instream = stdin;
	rl_outstream = stdout;
	rl_getc_function = tty_getc;
	rl_prep_term_function = tty_prep;
	rl_variable_bind("enable-bracketed-paste", "off");
	rl_bind_key('?', key_help);
	rl_bind_key('\t', key_tab);
	rl_bind_key(3, key_ctrl_c);
	rl_bind_key(26, key_ctrl_z);
	using_history();
	stifle_history(256);

	install(sh);
	/* termcap pads its delays ("\033[K$<3>") with NUL bytes at the line's
	 * speed; a pseudo-terminal needs none, and automation reading the
	 * session chokes on them */
	ospeed = 0;
	idle_min = idle_minutes(sh);
	while (!quit && !shell_sigterm) {
		struct pollfd p[1 + SHELL_ENG_FDS] = {{.fd = STDIN_FILENO, .events = POLLIN}};
		int efd[SHELL_ENG_FDS];
		size_t ne = eng_poll_fds(sh->eng, efd, SHELL_ENG_FDS);
		int timeout = eng_next_timeout_ms(sh->eng);
		int n;

		for (size_t i = 0; i < ne; i++)
			p[1 + i] = (struct pollfd){.fd = efd[i], .events = POLLIN};

		if (shell_sigwinch) {
			shell_sigwinch = 0;
			window_resized(sh);
		}
		if (timeout == 0) {
			tick(sh);
			continue;
		}
		if (idle_min) {
			int64_t left = last_key + (int64_t)idle_min * 60000 - mono_ms();

			if (left <= 0) {
				rl_clear_visible_line();
				printf("%% Session idle for %u minute%s: logged out\n", idle_min,
				       idle_min == 1 ? "" : "s");
				fflush(stdout);
				break;
			}
			if (timeout < 0 || left < timeout)
				timeout = left > INT_MAX ? INT_MAX : (int)left;
		}
		mark_ready();
		n = poll(p, 1 + ne, timeout);
		if (n < 0) {
			if (errno == EINTR) {
				shell_sigint = 0; /* a stray SIGINT at the prompt */
				continue;
			}
			break;
		}
		if (n == 0) {
			tick(sh);
			continue;
		}
		/* the engine's sockets: IKE packets and kernel events */
		for (size_t i = 0; i < ne; i++) {
			if (p[1 + i].revents) {
				tick(sh);
				break;
			}
		}
		if (p[0].revents & POLLNVAL)
			break;
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		last_key = mono_ms();
		rl_callback_read_char();
		if (!g_have_line && g_read_eof)
			break;
		if (!g_have_line)
			continue;
		g_have_line = false;
		quit = take_line(sh, g_line);
		g_line = NULL;
		if (!quit && !shell_sigterm) {
			install(sh);
			idle_min = idle_minutes(sh);
		}
		if (g_read_eof && !quit)
			quit = true;
	}
	tty_restore();
	forget_history();
	return 0;
}
