#include "CVectorKernels.h"

// Plain loops the compiler vectorizes. On x86-64 each is also built for AVX2 (or POPCNT),
// which the baseline that Swift targets lacks, and the loader picks the copy the CPU can run.
#if defined(__x86_64__) && defined(__clang__) && defined(__linux__)
#define FABLE_WIDEST __attribute__((target_clones("avx2", "default")))
#define FABLE_POPCNT __attribute__((target_clones("popcnt", "default")))
#else
#define FABLE_WIDEST
#define FABLE_POPCNT
#endif

FABLE_WIDEST
int32_t fable_dot_i8(const int8_t *a, const int8_t *b, long n) {
    int32_t total = 0;
    for (long i = 0; i < n; i++) total += (int32_t)a[i] * (int32_t)b[i];
    return total;
}

FABLE_WIDEST
void fable_dot_i8_rows(const int8_t *query, const int8_t *rows, long n, long count, int32_t *out) {
    for (long row = 0; row < count; row++) {
        const int8_t *vector = rows + row * n;
        int32_t total = 0;
        for (long i = 0; i < n; i++) total += (int32_t)query[i] * (int32_t)vector[i];
        out[row] = total;
    }
}

FABLE_POPCNT
void fable_hamming64(const uint64_t *words, long count, uint64_t query, uint8_t *distances, int32_t *histogram) {
    for (long i = 0; i < count; i++) {
        int differ = __builtin_popcountll(words[i] ^ query);
        distances[i] = (uint8_t)differ;
        histogram[differ]++;
    }
}
