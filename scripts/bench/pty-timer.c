/*
 * The terminal benchmark (contract §12): each command runs as a root shell
 * inside the container would run it, on a pty of the timer's own, as a child
 * of that pty's session leader, so that the shim relays. Commands run
 * round-robin like timer.c's, timed from fork until the pty is closed by all
 * (every byte the command wrote has been read) and the leader is reaped.
 *
 * Usage: pty-timer ROUNDS WARMUP < commands   ("UID PROGRAM ARG..." a line; "-UID": the same command with no
 *                                             terminal, in a session of its own with 0-2 on /dev/null)
 *        pty-timer --emit BYTES              (writes BYTES bytes to stdout: the CLI of the throughput rows)
 * Prints one line per command: its samples in nanoseconds, then the bytes read on the last run, then the peak
 * resident set of the last run in KiB (the largest of the leader's and the processes below it: wait4's ru_maxrss,
 * which an execve keeps, so a program's peak before it replaced itself counts).
 * Exits 2 on a run that does not exit 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"

static int emit(long long bytes) {
  static char block[65536];
  memset(block, 'x', sizeof block);
  while (bytes > 0) {
    ssize_t n = write(1, block, bytes < (long long)sizeof block ? (size_t)bytes : sizeof block);
    if (n <= 0) return 1;
    bytes -= n;
  }
  return 0;
}

static long long run(const struct command *c, char **env, long long *read_bytes, long *peak_kib) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) || unlockpt(master)) {
    perror("pty-timer: pty");
    exit(3);
  }
  struct winsize size = {.ws_row = 50, .ws_col = 160};
  ioctl(master, TIOCSWINSZ, &size);
  const char *name = ptsname(master);
  long long start = now_ns();
  pid_t leader = fork();
  if (leader == 0) {
    // The operator's shell: the leader of the pty's session, which it holds as its controlling terminal.
    setsid();
    int slave = open(name, O_RDWR);
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    if (slave > 2) close(slave);
    close(master);
    pid_t pid = fork();
    if (pid == 0) {
      if (c->detached) {
        int null = open("/dev/null", O_RDWR);
        setsid();
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        if (null > 2) close(null);
      }
      if (c->uid != 0 && (setgroups(0, NULL) || setgid(c->uid) || setuid(c->uid))) _exit(125);
      execve(c->argv[0], c->argv, env);
      _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  static char buf[65536];
  *read_bytes = 0;
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;
    *read_bytes += n;
  }
  int status;
  struct rusage usage;
  wait4(leader, &status, 0, &usage);
  long long elapsed = now_ns() - start;
  *peak_kib = usage.ru_maxrss;
  close(master);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "pty-timer: %s exited with status %d\n", c->argv[0], status);
    exit(2);
  }
  return elapsed;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--emit") == 0) return emit(atoll(argv[2]));
  if (argc != 3) {
    fprintf(stderr, "usage: pty-timer ROUNDS WARMUP < commands | pty-timer --emit BYTES\n");
    return 2;
  }
  int rounds = atoi(argv[1]);
  int warmup = atoi(argv[2]);
  static struct command commands[MAX_COMMANDS];
  int count = read_commands(commands);
  extern char **environ;
  long long *samples = calloc((size_t)(rounds * count), sizeof *samples);
  long long read_bytes[MAX_COMMANDS];
  long peak_kib[MAX_COMMANDS];
  for (int r = -warmup; r < rounds; r++)
    for (int i = 0; i < count; i++) {
      long long t = run(&commands[i], environ, &read_bytes[i], &peak_kib[i]);
      if (r >= 0) samples[r * count + i] = t;
    }
  for (int i = 0; i < count; i++) {
    for (int r = 0; r < rounds; r++) printf("%s%lld", r ? " " : "", samples[r * count + i]);
    printf(" %lld %ld\n", read_bytes[i], peak_kib[i]);
  }
  return 0;
}
