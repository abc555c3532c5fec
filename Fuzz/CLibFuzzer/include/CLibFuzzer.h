#ifndef FABLE_CLIBFUZZER_H
#define FABLE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, LLVM 12 and later). Linked only into fuzz builds
/// (`-sanitize=fuzzer`); FuzzKit calls it only under `#if FUZZING`.
///
/// SwiftPM links an executable with `--defsym main=<Module>_main`, so libFuzzer's own
/// `main` never runs: the harness's top-level code calls this instead.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
