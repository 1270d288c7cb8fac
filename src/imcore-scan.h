/* gst-imencode core: finding where a JPEG or PNG file ends in a byte stream
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#ifndef IMCORE_SCAN_H
#define IMCORE_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decoders fed by a source that cuts files anywhere (filesrc blocks, a
 * socket) need to know where each image ends without decoding it. The
 * scan walks JPEG markers (skipping segments by their lengths and
 * entropy-coded data up to the next marker) or PNG chunks (up to IEND),
 * and can resume when more bytes arrive, so every byte is looked at once. */

typedef enum
{
  IMCORE_SCAN_MORE,             /* no end yet: call again with more bytes */
  IMCORE_SCAN_COMPLETE,         /* one whole file: @image_len bytes */
  IMCORE_SCAN_BROKEN,           /* the file stops making sense at
                                 * @image_len (a new JPEG SOI inside it, a
                                 * PNG chunk that is not one): a corrupt
                                 * image, the next one may start there */
  IMCORE_SCAN_NOT_IMAGE,        /* no JPEG or PNG signature at the start */
} ImcoreScanResult;

/* What a file is, by the whole signature at its start. */
typedef enum
{
  IMCORE_IMAGE_UNKNOWN,
  IMCORE_IMAGE_JPEG,            /* FF D8 FF */
  IMCORE_IMAGE_PNG,             /* the 8-byte PNG signature */
} ImcoreImageKind;

/* The kind of the @len bytes at @data (UNKNOWN when too short to tell). */
ImcoreImageKind imcore_image_kind (const uint8_t * data, size_t len);

/* Where a scan stands; zero it (or call imcore_scan_reset()) before the
 * first call for each image. */
typedef struct
{
  ImcoreImageKind kind;         /* UNKNOWN until the signature is seen */
  size_t pos;                   /* the next byte to look at */
  bool entropy;                 /* JPEG: inside entropy-coded data */
} ImcoreScan;

void imcore_scan_reset (ImcoreScan * scan);

/* Scans the @len bytes at @data, which start with the image being scanned
 * and hold at least the bytes of the previous call for the same image.
 * Sets *@image_len for COMPLETE and BROKEN. */
ImcoreScanResult imcore_scan_image (ImcoreScan * scan, const uint8_t * data,
    size_t len, size_t *image_len);

/* The offset of the first JPEG SOI (FF D8 FF) or PNG signature in @data,
 * or @len when there is none (a partial signature at the very end counts
 * as one, so that nothing is skipped that more bytes would complete). */
size_t imcore_scan_find_start (const uint8_t * data, size_t len);

/* ---- base64 text records in a stream of text ---- */

/* A stream of base64 text with no framing of its own (a file, a socket)
 * holds records one per line: "data:<type>;base64," prefixes, whitespace
 * anywhere and '=' padding as RFC 4648 and imcore_base64_decode() accept
 * them. The splitter finds where each record ends, without decoding, and
 * says when the text of the record so far is whole 4-character groups (so
 * that it can be decoded before the record ends). A record ends at a
 * newline, or where a character follows its '=' padding (two padded
 * records on one line). Lines holding only whitespace are no records.
 * Fixed state, no allocation; every byte is looked at once. */

typedef enum
{
  IMCORE_SPLIT_MORE,            /* all the bytes consumed, no record ended */
  IMCORE_SPLIT_END,             /* a record ends before byte *@used (which
                                 * follows its newline, or is the first
                                 * character after its padding) */
  IMCORE_SPLIT_INVALID,         /* byte *@used cannot be where it is: not
                                 * in either alphabet, not whitespace, not
                                 * in a data URI prefix; the splitter must
                                 * be reset before it is used again */
} ImcoreSplitResult;

typedef enum
{
  IMCORE_SPLIT_AT_START,        /* only whitespace so far in this record */
  IMCORE_SPLIT_IN_DATA_WORD,    /* the record starts with "data" so far */
  IMCORE_SPLIT_IN_PREFIX,       /* after "data:", before ";base64," ends */
  IMCORE_SPLIT_IN_BODY,         /* base64 characters */
  IMCORE_SPLIT_IN_PADDING,      /* '=' seen: only '=' and whitespace may
                                 * follow before the record ends */
} ImcoreSplitState;

/* The longest "data:...;base64," prefix accepted, in bytes. */
#define IMCORE_SPLIT_MAX_PREFIX 256

typedef struct
{
  ImcoreSplitState state;
  size_t prefix_len;            /* prefix bytes so far (the "data" word
                                 * included) */
  unsigned prefix_match;        /* of ";base64," at the prefix's end */
  uint64_t chars;               /* base64 characters of this record */
  uint64_t total_chars;         /* of all records since the reset */
} ImcoreBase64Splitter;

/* Prepares @split for the start of a stream. */
void imcore_base64_splitter_reset (ImcoreBase64Splitter * split);

/* Forgets the current record (after IMCORE_SPLIT_INVALID, or to skip the
 * rest of a line): the next byte starts a new one. */
void imcore_base64_splitter_restart (ImcoreBase64Splitter * split);

/* Looks at the @len bytes at @text, which follow the bytes of earlier
 * calls. Returns at the first record end or invalid byte, with *@used its
 * offset in @text (for MORE: @len). After END the next record starts at
 * *@used: call again with the rest. */
ImcoreSplitResult imcore_base64_split (ImcoreBase64Splitter * split,
    const uint8_t * text, size_t len, size_t *used);

/* Whether the text of the current record up to here is whole groups with
 * no padding begun and no unfinished prefix, so that it decodes on its own
 * (and the record's remaining text after it does too). False before the
 * record's first base64 character. */
bool imcore_base64_splitter_at_group_end (const ImcoreBase64Splitter *
    split);

/* Whether the current record has any text besides whitespace. */
bool imcore_base64_splitter_in_record (const ImcoreBase64Splitter * split);

#endif /* IMCORE_SCAN_H */
