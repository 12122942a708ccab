/* Calls kernels compiled by `tirscript build --emit shared` through their generated headers and
 * checks the results: add.tir (elementwise) and matmul_scheduled.tir (parallel, vectorised, with a
 * local accumulator). Exit status 0 when every check passes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "libadd.h"
#include "libmatmul.h"

static float *aligned_floats(size_t n) {
  float *p = aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(2);
  }
  return p;
}

int main(void) {
  int failures = 0;
  size_t n = 1024;
  float *a = aligned_floats(n), *b = aligned_floats(n), *c = aligned_floats(n);
  for (size_t i = 0; i < n; i++) {
    a[i] = (float)i * 0.5f;
    b[i] = 3.0f - (float)i;
  }
  if (add(a, b, c) != 0) {
    fprintf(stderr, "add returned an error\n");
    return 1;
  }
  for (size_t i = 0; i < n; i++) {
    if (c[i] != a[i] + b[i]) {
      fprintf(stderr, "add: c[%zu] = %f, expected %f\n", i, c[i], a[i] + b[i]);
      failures++;
      break;
    }
  }

  size_t m = 1024 * 1024;
  float *x = aligned_floats(m), *y = aligned_floats(m), *z = aligned_floats(m);
  for (size_t i = 0; i < m; i++) {
    x[i] = (float)((i * 7) % 13) / 13.0f - 0.5f;
    y[i] = (float)((i * 5) % 11) / 11.0f - 0.5f;
  }
  if (matmul_scheduled(x, y, z) != 0) {
    fprintf(stderr, "matmul_scheduled returned an error\n");
    return 1;
  }
  size_t samples[][2] = {{0, 0}, {1, 1023}, {513, 7}, {1023, 1023}, {31, 32}, {32, 31}};
  for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
    size_t i = samples[s][0], j = samples[s][1];
    double want = 0.0;
    for (size_t k = 0; k < 1024; k++) want += (double)x[i * 1024 + k] * (double)y[k * 1024 + j];
    double got = z[i * 1024 + j];
    if (fabs(got - want) > 1e-3 * fmax(fabs(want), 1.0)) {
      fprintf(stderr, "matmul: z[%zu][%zu] = %f, expected %f\n", i, j, got, want);
      failures++;
    }
  }
  free(a), free(b), free(c), free(x), free(y), free(z);
  if (failures == 0) printf("c_abi: all checks passed\n");
  return failures != 0;
}
