#ifndef FABLE_CVECTORKERNELS_H
#define FABLE_CVECTORKERNELS_H

#include <stdint.h>

// The inner loops of dense search. Written in C so that one build runs each machine's widest
// instructions: the functions are compiled for AVX2 (or POPCNT) beside the x86-64 baseline,
// and the loader picks the version the CPU has.

// The dot product of a and b, n bytes each.
int32_t fable_dot_i8(const int8_t *a, const int8_t *b, long n);

// The dot product of `query` with each of `count` rows of `rows`, `n` bytes each, laid end to end.
void fable_dot_i8_rows(const int8_t *query, const int8_t *rows, long n, long count, int32_t *out);

// For each of `count` 64-bit words, how many bits differ from `query` (into `distances`), and
// how many words differ by each count (added into `histogram`, 65 entries).
void fable_hamming64(const uint64_t *words, long count, uint64_t query, uint8_t *distances, int32_t *histogram);

#endif
