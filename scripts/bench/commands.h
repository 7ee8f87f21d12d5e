/*
 * What the two benchmark timers share (timer.c, pty-timer.c): the commands
 * they run round-robin, one a line on stdin as "UID PROGRAM ARG...", split on
 * spaces, and the clock they time them with.
 */
#ifndef BENCH_COMMANDS_H
#define BENCH_COMMANDS_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#define MAX_COMMANDS 32
#define MAX_ARGS 16

struct command {
  uid_t uid;
  /* "-UID": pty-timer runs it with no terminal (timer.c has none for any). */
  int detached;
  char *argv[MAX_ARGS + 1];
};

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Reads up to MAX_COMMANDS commands from stdin; returns how many. */
static int read_commands(struct command *commands) {
  static char line[4096];
  int n = 0;
  while (n < MAX_COMMANDS && fgets(line, sizeof line, stdin)) {
    char *save, *word = strtok_r(line, " \n", &save);
    if (!word) continue;
    commands[n].detached = word[0] == '-';
    commands[n].uid = (uid_t)atoi(word + commands[n].detached);
    int a = 0;
    while (a < MAX_ARGS && (word = strtok_r(NULL, " \n", &save))) commands[n].argv[a++] = strdup(word);
    commands[n++].argv[a] = NULL;
  }
  return n;
}
#endif
