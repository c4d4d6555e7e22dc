// Loopback ping-pong at a fixed rate: the platform's own latency floor for two processes.
// usage: pingpong SECONDS RATE  -> p50 p99 max (ms), counts over 2/5/10 ms, and their times
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
  int secs = atoi(argv[1]), rate = atoi(argv[2]), n = secs * rate;
  int ls = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  bind(ls, (void *)&a, sizeof a); listen(ls, 1);
  socklen_t l = sizeof a; getsockname(ls, (void *)&a, &l);
  if (fork() == 0) {
    int c = accept(ls, 0, 0); char b[8];
    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while (read(c, b, 8) == 8) write(c, b, 8);
    return 0;
  }
  int s = socket(AF_INET, SOCK_STREAM, 0); connect(s, (void *)&a, sizeof a);
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  double *lat = malloc(n * sizeof(double)), *at = malloc(n * sizeof(double)), t0 = now();
  struct timespec wall; clock_gettime(CLOCK_REALTIME, &wall);
  char b[8] = "ping1234";
  for (int i = 0; i < n; i++) {
    double due = t0 + (double)i / rate, t;
    while ((t = now()) < due) { struct timespec d = {0, (long)((due - t) * 1e9)}; nanosleep(&d, 0); }
    write(s, b, 8); read(s, b, 8);
    lat[i] = (now() - t) * 1000; at[i] = t - t0;
  }
  close(s);
  int c2 = 0, c5 = 0, c10 = 0;
  for (int i = 0; i < n; i++) {
    if (lat[i] > 2) { c2++; if (c2 <= 30) printf("  slow at +%.3f s: %.2f ms\n", at[i], lat[i]); }
    if (lat[i] > 5) c5++;
    if (lat[i] > 10) c10++;
  }
  qsort(lat, n, sizeof(double), cmp);
  printf("pingpong %d round trips at %d/s: p50 %.3f p99 %.3f max %.2f ms; > 2 ms: %d, > 5 ms: %d, > 10 ms: %d\n",
         n, rate, lat[n / 2], lat[n * 99 / 100], lat[n - 1], c2, c5, c10);
  return 0;
}
