/* zinflate [-v] FILE: inflate a gzip file with zlib's own inflate() and throw the bytes away
 * (-v: print the inflated size on stderr; zinflate -V: print zlib's version).
 * The reference for "taskdiff reads a .gz within 10 % of zlib's inflate time" in bench/run.sh.
 * Concatenated gzip members are followed, as gzip -dc does. Build: cc -O2 -o zinflate zinflate.c -lz */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { CHUNK = 256 * 1024 };

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: zinflate [-v] FILE.gz | zinflate -V\n");
    return 2;
  }
  if (argc == 2 && strcmp(argv[1], "-V") == 0) {
    printf("zlib %s\n", zlibVersion());
    return 0;
  }
  int verbose = argc > 2 && strcmp(argv[1], "-v") == 0;
  const char *path = argv[argc - 1];
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!f) {
    perror(path);
    return 2;
  }
  static unsigned char in[CHUNK], out[CHUNK];
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return 2;
  unsigned long long total = 0;
  int ret = Z_OK;
  for (;;) {
    if (zs.avail_in == 0) {
      zs.avail_in = (uInt)fread(in, 1, CHUNK, f);
      zs.next_in = in;
      if (zs.avail_in == 0) break;
    }
    zs.next_out = out;
    zs.avail_out = CHUNK;
    ret = inflate(&zs, Z_NO_FLUSH);
    total += CHUNK - zs.avail_out;
    if (ret == Z_STREAM_END) {
      if (inflateReset(&zs) != Z_OK) return 2; /* next member, if any */
    } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
      fprintf(stderr, "zinflate: %s\n", zs.msg ? zs.msg : "inflate error");
      return 1;
    }
  }
  inflateEnd(&zs);
  if (verbose) fprintf(stderr, "%llu\n", total);
  return 0;
}
