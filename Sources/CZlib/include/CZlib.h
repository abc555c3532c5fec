#ifndef FABLE_CZLIB_H
#define FABLE_CZLIB_H

#include <zlib.h>

// deflateInit2 and inflateInit2 are macros (they pass zlib's version and the stream's size),
// which Swift cannot call. These functions give them fixed signatures.

int fable_deflate_init(z_streamp stream, int level, int windowBits, int memLevel);
int fable_inflate_init(z_streamp stream, int windowBits);

#endif
