// malloc-probe: an LD_PRELOAD helper for bench/memory-rounds.mjs (bench-only, never shipped).
//
// Node has no FFI, so JavaScript cannot ask glibc's allocator how much of the process's memory it
// holds, nor call malloc_trim(). This library, preloaded into the server under test, starts one
// thread that waits on a FIFO: for each command byte it answers one JSON line on a second FIFO.
//
//   's'  mallinfo2() totals over every arena (bytes)
//   't'  malloc_trim(0) first (gives free pages back to the kernel, also inside arenas), then 's'
//
// Built on demand by bench/lib/probe.mjs with `cc -shared -fPIC -O2 -o malloc-probe.so malloc-probe.c -lpthread`.
// Environment: MALLOC_PROBE_DIR, a directory holding the FIFOs `cmd` and `out` (made by probe.mjs).
// Under another allocator (LD_PRELOAD=libjemalloc) mallinfo2 still reports glibc's own, unused
// arenas: probe.mjs does not use it then.
#define _GNU_SOURCE
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char cmd_path[4096];
static char out_path[4096];

static void *probe_thread(void *arg) {
  (void)arg;
  for (;;) {
    int in = open(cmd_path, O_RDONLY);
    if (in < 0) return NULL;
    char c = 0;
    ssize_t n = read(in, &c, 1);
    close(in);
    if (n != 1) continue;
    int trimmed = -1;
    if (c == 't') trimmed = malloc_trim(0);
    struct mallinfo2 mi = mallinfo2();
    char line[512];
    int len = snprintf(line, sizeof line,
                       "{\"arena\":%zu,\"ordblks\":%zu,\"hblks\":%zu,\"hblkhd\":%zu,\"uordblks\":%zu,"
                       "\"fordblks\":%zu,\"keepcost\":%zu,\"trimmed\":%d}\n",
                       mi.arena, mi.ordblks, mi.hblks, mi.hblkhd, mi.uordblks, mi.fordblks, mi.keepcost, trimmed);
    int out = open(out_path, O_WRONLY);
    if (out < 0) continue;
    if (write(out, line, (size_t)len) < 0) {
      // The reader went away; the next command opens the FIFO again.
    }
    close(out);
  }
  return NULL;
}

__attribute__((constructor)) static void malloc_probe_init(void) {
  const char *dir = getenv("MALLOC_PROBE_DIR");
  if (dir == NULL || *dir == '\0') return;
  snprintf(cmd_path, sizeof cmd_path, "%s/cmd", dir);
  snprintf(out_path, sizeof out_path, "%s/out", dir);
  // Child processes of the server (none in the bench) must not start a second reader.
  unsetenv("MALLOC_PROBE_DIR");
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_create(&t, &attr, probe_thread, NULL);
  pthread_attr_destroy(&attr);
}
