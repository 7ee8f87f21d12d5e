/*
 * Wall-clock timer for the benchmark. Commands run round-robin, one run of
 * each per round, so that load from anything else on the machine falls on
 * every command alike instead of on whichever one hyperfine happened to be
 * timing at the moment.
 *
 * Usage: timer ROUNDS WARMUP COLD < commands
 * One command per line: "UID PROGRAM ARG...", split on spaces. Each run is
 * fork + setuid(UID) + execve, timed from fork to reaped exit. With COLD=1
 * the page cache is dropped before every timed run (not timed itself).
 * Prints one line per command: its samples in nanoseconds.
 * Exits 2 on a run that does not exit 0, 3 if the cache cannot be dropped.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"

static void drop_page_cache(void) {
  sync();
  int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
  if (fd < 0 || write(fd, "3", 1) != 1) {
    perror("timer: drop_caches");
    exit(3);
  }
  close(fd);
}

static long long run(const struct command *c, char **env) {
  long long start = now_ns();
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    if (c->uid != 0 && (setgroups(0, NULL) || setgid(c->uid) || setuid(c->uid))) _exit(125);
    execve(c->argv[0], c->argv, env);
    _exit(127);
  }
  int status;
  waitpid(pid, &status, 0);
  long long elapsed = now_ns() - start;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fprintf(stderr, "timer: %s (uid %d) ended with status 0x%x\n", c->argv[0], (int)c->uid, status);
    exit(2);
  }
  return elapsed;
}

int main(int argc, char **argv, char **env) {
  if (argc != 4) {
    fprintf(stderr, "usage: timer ROUNDS WARMUP COLD < commands\n");
    return 64;
  }
  int rounds = atoi(argv[1]), warmup = atoi(argv[2]), cold = atoi(argv[3]);
  static struct command commands[MAX_COMMANDS];
  int n = read_commands(commands);
  long long *samples = calloc((size_t)n * (size_t)rounds, sizeof *samples);
  for (int r = -warmup; r < rounds; r++) {
    for (int i = 0; i < n; i++) {
      if (cold) drop_page_cache();
      long long t = run(&commands[i], env);
      if (r >= 0) samples[i * rounds + r] = t;
    }
  }
  for (int i = 0; i < n; i++) {
    for (int r = 0; r < rounds; r++) printf(r ? " %lld" : "%lld", samples[i * rounds + r]);
    printf("\n");
  }
  return 0;
}
