/*
 * Exec-state probe: installed in place of the CLI, it reports what it was
 * handed by execve, before any runtime of its own could change it (a Python
 * CLI cannot: the interpreter ignores SIGPIPE and SIGXFSZ as it starts).
 * Writes key=value lines to $PROBE_OUT, or stdout when that is unset.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

extern char **environ;

static void hex(FILE *out, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) fprintf(out, "%02x", *p);
}

static void status_line(FILE *out, const char *key) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  size_t n = strlen(key);
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, key, n) == 0 && line[n] == ':') {
      char *v = line + n + 1;
      while (*v == '\t' || *v == ' ') v++;
      fprintf(out, "%s=%s", key, v);
    }
  if (f) fclose(f);
}

int main(int argc, char **argv) {
  /* Before anything opens a descriptor of its own. */
  char fds[8192] = "";
  DIR *d = opendir("/proc/self/fd");
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d)) continue;
    char link[300], target[512];
    snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
    ssize_t t = readlink(link, target, sizeof target - 1);
    target[t < 0 ? 0 : t] = 0;
    /* The probe's own stdio never changes; pipes and ttys get fresh names per run. */
    snprintf(fds + strlen(fds), sizeof fds - strlen(fds), "%s%s:%s", fds[0] ? "," : "", e->d_name,
             strncmp(target, "pipe:", 5) == 0 ? "pipe" : strncmp(target, "socket:", 7) == 0 ? "socket" : target);
  }
  if (d) closedir(d);

  const char *path = getenv("PROBE_OUT");
  FILE *out = path ? fopen(path, "w") : stdout;
  if (!out) return 111;
  fprintf(out, "pid=%d\n", (int)getpid());
  fprintf(out, "argv=");
  for (int i = 0; i < argc; i++) fprintf(out, "%s", i ? "," : ""), hex(out, argv[i]);
  fprintf(out, "\nenv=");
  for (char **v = environ; *v; v++) fprintf(out, "%s", v == environ ? "" : ","), hex(out, *v);
  fprintf(out, "\nfds=%s\n", fds);
  status_line(out, "SigIgn");
  status_line(out, "SigBlk");
  fprintf(out, "rlimits=");
  for (int r = 0; r < RLIM_NLIMITS; r++) {
    struct rlimit l;
    getrlimit(r, &l);
    fprintf(out, "%s%llu:%llu", r ? "," : "", (unsigned long long)l.rlim_cur, (unsigned long long)l.rlim_max);
  }
  mode_t mask = umask(0);
  fprintf(out, "\numask=%04o\n", (unsigned)mask);
  char cwd[4096];
  fprintf(out, "cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
  uid_t ru, eu, su;
  gid_t rg, eg, sg;
  getresuid(&ru, &eu, &su);
  getresgid(&rg, &eg, &sg);
  fprintf(out, "uids=%u:%u:%u\ngids=%u:%u:%u\ngroups=", ru, eu, su, rg, eg, sg);
  gid_t groups[256];
  int ng = getgroups(256, groups);
  for (int i = 0; i < ng; i++) fprintf(out, "%s%u", i ? "," : "", groups[i]);
  const char *home = getenv("HOME");
  fprintf(out, "\nhome=%s\ntty=%d%d%d\n", home ? home : "(unset)", isatty(0), isatty(1), isatty(2));
  return fclose(out) == 0 ? 0 : 112;
}
