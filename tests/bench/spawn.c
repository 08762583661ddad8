/*
 * spawn: the process side of relay.sh and startup.sh, in C so that what
 * is counted is the tool's own process and nothing of the shell's.
 *
 *   spawn run [-t SECS] OUT CMD [ARGS...]
 *       Runs CMD (stdin, stdout and stderr inherited), waits for it with
 *       wait4() and writes "USER SYS MAXRSS" (CPU seconds, the rusage of
 *       CMD and of any children it waited for; its peak resident set, its
 *       VmHWM, in KiB) to the file OUT.  Exits with CMD's
 *       status, 128+N if a signal N killed it, 124 if it ran out of SECS
 *       (then it is killed).  SIGTERM, SIGINT and SIGHUP are passed on to
 *       CMD.
 *   spawn loop N CMD [ARGS...]
 *       Runs CMD N times one after the other (posix_spawnp, stdin, stdout
 *       and stderr on /dev/null) and prints the wall time of each run,
 *       spawn to reaped, in microseconds, one per line.  Exits 1 as soon
 *       as a run fails (cannot start, exits non-zero or is killed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t child_pid, timed_out;

static void on_signal(int sig)
{
	if (sig == SIGALRM) {
		timed_out = 1;
		sig = SIGKILL;
	}
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static int usage(void)
{
	fprintf(stderr, "usage: spawn run [-t SECS] OUT CMD [ARGS...]\n"
			"       spawn loop N CMD [ARGS...]\n");
	return 2;
}

static int run(int argc, char **argv)
{
	unsigned secs = 0;
	int i = 0;

	if (argc >= 2 && strcmp(argv[0], "-t") == 0) {
		secs = (unsigned)strtoul(argv[1], NULL, 10);
		i = 2;
	}
	if (argc - i < 2)
		return usage();
	const char *out = argv[i];
	char **cmd = argv + i + 1;

	/* Blocked until child_pid is set, so that none is lost. */
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGALRM };
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (size_t k = 0; k < sizeof(sigs) / sizeof(sigs[0]); k++) {
		sigaction(sigs[k], &sa, NULL);
		sigaddset(&block, sigs[k]);
	}
	sigprocmask(SIG_BLOCK, &block, &old);

	pid_t pid = fork();
	if (pid < 0) {
		perror("spawn: fork");
		return 1;
	}
	if (pid == 0) {
		/* exec resets the handlers, not the mask */
		sigprocmask(SIG_SETMASK, &old, NULL);
		execvp(cmd[0], cmd);
		fprintf(stderr, "spawn: %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (secs)
		alarm(secs);

	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("spawn: wait4");
			return 1;
		}
	}
	alarm(0);

	FILE *f = fopen(out, "w");
	if (!f || fprintf(f, "%ld.%06ld %ld.%06ld %ld\n", (long)ru.ru_utime.tv_sec,
			  (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
			  (long)ru.ru_stime.tv_usec, ru.ru_maxrss) < 0 || fclose(f) != 0) {
		fprintf(stderr, "spawn: %s: %s\n", out, strerror(errno));
		return 1;
	}
	if (timed_out) {
		fprintf(stderr, "spawn: %s: killed after %u s\n", cmd[0], secs);
		return 124;
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int loop(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	long n = strtol(argv[0], NULL, 10);
	char **cmd = argv + 1;

	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);

	for (long i = 0; i < n; i++) {
		struct timespec t0, t1;
		pid_t pid;
		int status, err;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		err = posix_spawnp(&pid, cmd[0], &fa, NULL, cmd, environ);
		if (err) {
			fprintf(stderr, "spawn: %s: %s\n", cmd[0], strerror(err));
			return 1;
		}
		while (waitpid(pid, &status, 0) < 0) {
			if (errno != EINTR) {
				perror("spawn: waitpid");
				return 1;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "spawn: %s failed (status 0x%x)\n", cmd[0], status);
			return 1;
		}
		printf("%.1f\n", (double)(t1.tv_sec - t0.tv_sec) * 1e6 +
					 (double)(t1.tv_nsec - t0.tv_nsec) / 1e3);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return run(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "loop") == 0)
		return loop(argc - 2, argv + 2);
	return usage();
}
