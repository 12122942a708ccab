/* Calls one function of a tirscript shared library through its packed entry point, with every
 * argument a buffer read from a file, and writes the buffers back to their files afterwards.
 *
 * Usage: packed_driver LIBRARY FUNCTION FILE...
 *
 * The library is opened with RTLD_NOW, so a symbol it needs and cannot find (a compiler-runtime
 * conversion such as __extendhfsf2, say) is an error here rather than at the call. Each buffer is
 * 64-byte aligned, as the library's contract requires. Exit status 0 on success, 1 otherwise. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef int32_t (*packed_fn)(const uint64_t *slots);

static void *read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long length = ftell(f);
  fseek(f, 0, SEEK_SET);
  size_t rounded = ((size_t)length + 63) / 64 * 64;
  void *data = aligned_alloc(64, rounded ? rounded : 64);
  if (data && fread(data, 1, (size_t)length, f) != (size_t)length) {
    free(data);
    data = NULL;
  }
  fclose(f);
  *size = (size_t)length;
  return data;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s LIBRARY FUNCTION FILE...\n", argv[0]);
    return 1;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  char symbol[256];
  snprintf(symbol, sizeof symbol, "%s_packed", argv[2]);
  packed_fn fn = (packed_fn)dlsym(lib, symbol);
  if (!fn) {
    fprintf(stderr, "dlsym %s: %s\n", symbol, dlerror());
    return 1;
  }
  int count = argc - 3;
  uint64_t *slots = calloc((size_t)count + 1, sizeof(uint64_t));
  void **buffers = calloc((size_t)count + 1, sizeof(void *));
  size_t *sizes = calloc((size_t)count + 1, sizeof(size_t));
  for (int k = 0; k < count; k++) {
    buffers[k] = read_file(argv[3 + k], &sizes[k]);
    if (!buffers[k]) {
      fprintf(stderr, "cannot read %s\n", argv[3 + k]);
      return 1;
    }
    slots[k] = (uint64_t)(uintptr_t)buffers[k];
  }
  int32_t status = fn(slots);
  if (status != 0) {
    fprintf(stderr, "%s returned %d\n", symbol, status);
    return 1;
  }
  for (int k = 0; k < count; k++) {
    FILE *f = fopen(argv[3 + k], "wb");
    if (!f || fwrite(buffers[k], 1, sizes[k], f) != sizes[k]) {
      fprintf(stderr, "cannot write %s\n", argv[3 + k]);
      return 1;
    }
    fclose(f);
  }
  printf("called %s\n", symbol);
  return 0;
}
