#include "CZlib.h"

int fable_deflate_init(z_streamp stream, int level, int windowBits, int memLevel) {
    return deflateInit2(stream, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY);
}

int fable_inflate_init(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
