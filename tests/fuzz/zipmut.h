/*
 * A zip-aware mutation for the container harnesses. Random byte changes inside an entry
 * almost always break its CRC (or its deflate stream), so the reader stops at
 * container.crc and never reaches the manifest, signature or PDF code behind it. This
 * mutation takes one entry's uncompressed bytes, lets libFuzzer mutate them, and writes
 * the zip again in the canonical layout with that entry re-deflated (if it was) and its
 * CRC and sizes right. Plain byte mutations still run for the other inputs.
 */
#ifndef COCO_FUZZ_ZIPMUT_H
#define COCO_FUZZ_ZIPMUT_H

#include <stddef.h>
#include <stdint.h>

/*
 * libFuzzer's custom mutator, shared by fuzz_archive and fuzz_verify: one input in three
 * gets plain byte mutations, the others an entry mutation (byte mutations when the input
 * is not a zip this can rewrite).
 */
size_t zipmut_mutate(uint8_t *data, size_t size, size_t max_size, unsigned int seed);

#endif /* COCO_FUZZ_ZIPMUT_H */
