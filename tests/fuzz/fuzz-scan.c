/* gst-imencode: libFuzzer target for the stream framing in imcore-scan.c
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Built by tests/meson.build with clang -fsanitize=fuzzer,address,undefined
 * (with src/imcore-scan.c and src/imcore-base64.c) and run over
 * tests/fuzz/corpus-scan/ for a bounded time as the 'fuzz-scan' test.
 * Input: byte 0 chooses what is fuzzed (even: image framing, odd: base64
 * records in text), byte 1 how the rest is fed (in pieces of 1 + byte 1
 * bytes, as a socket or filesrc would cut it); the rest is the stream.
 *
 * What must hold, image framing (walked as imdecode walks a stream: an
 * image, or a skip up to the next signature, then the next):
 * - fed in pieces, every scan gives what it gives fed at once;
 * - COMPLETE: a JPEG ends with FF D9, a PNG with an IEND chunk; COMPLETE
 *   and BROKEN lengths are within the data and past the signature;
 * - imcore_image_kind() agrees with what the scan took the start for;
 * - imcore_scan_find_start() stops at a signature, or at a partial one
 *   that the data's end cuts.
 * Base64 records:
 * - fed in pieces, the records end where they end fed at once, and an
 *   invalid byte is found at the same offset;
 * - text between two group ends decodes (imcore_base64_decode() says OK),
 *   and when a whole record decodes, its pieces decode to the same bytes.
 * A broken property prints the check and abort()s, which libFuzzer
 * reports as a crash, saving the input.
 *
 * Reproduce a crash with: build/tests/fuzz-scan crash-<sha1>
 */

#include "imcore-base64.h"
#include "imcore-scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz-check.h"

static const uint8_t png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
  '\n'
};

/* Scans @len bytes at @d, given @step more bytes per call. */
static ImcoreScanResult
scan_in_pieces (const uint8_t * d, size_t len, size_t step, size_t *image_len,
    ImcoreImageKind * kind)
{
  ImcoreScan scan;
  ImcoreScanResult res;
  size_t have = 0;

  imcore_scan_reset (&scan);
  *image_len = 0;
  do {
    have = len - have < step ? len : have + step;
    res = imcore_scan_image (&scan, d, have, image_len);
  } while (res == IMCORE_SCAN_MORE && have < len);
  *kind = scan.kind;
  return res;
}

static void
fuzz_images (const uint8_t * d, size_t len, size_t step)
{
  size_t off = 0;

  while (off < len) {
    const uint8_t *p = d + off;
    size_t rest = len - off, whole_len = 0, piece_len = 0, skip;
    ImcoreImageKind whole_kind, piece_kind;
    ImcoreScanResult whole, piece;

    whole = scan_in_pieces (p, rest, rest, &whole_len, &whole_kind);
    piece = scan_in_pieces (p, rest, step, &piece_len, &piece_kind);
    CHECK (whole == piece);
    CHECK (whole_kind == piece_kind);
    switch (whole) {
      case IMCORE_SCAN_NOT_IMAGE:
        CHECK (imcore_image_kind (p, rest) == IMCORE_IMAGE_UNKNOWN);
        skip = imcore_scan_find_start (p, rest);
        CHECK (skip <= rest);
        if (skip < rest) {
          size_t left = rest - skip;

          if (p[skip] == 0xff)
            CHECK (left < 2 || (p[skip + 1] == 0xd8 && (left < 3 ||
                        p[skip + 2] == 0xff)));
          else
            CHECK (memcmp (p + skip, png_sig, left < 8 ? left : 8) == 0);
        }
        off += skip > 0 ? skip : 1;
        break;
      case IMCORE_SCAN_MORE:
        /* the rest is the start of an image, or of a signature */
        return;
      case IMCORE_SCAN_COMPLETE:
      case IMCORE_SCAN_BROKEN:
        CHECK (whole_len == piece_len);
        CHECK (whole_len <= rest);
        CHECK (whole_kind == imcore_image_kind (p, rest));
        if (whole_kind == IMCORE_IMAGE_JPEG) {
          CHECK (whole_len >= 2);
          if (whole == IMCORE_SCAN_COMPLETE)
            CHECK (whole_len >= 4 && p[whole_len - 2] == 0xff &&
                p[whole_len - 1] == 0xd9);
        } else {
          CHECK (whole_kind == IMCORE_IMAGE_PNG);
          CHECK (whole_len >= 8);
          if (whole == IMCORE_SCAN_COMPLETE)
            CHECK (whole_len >= 8 + 12 &&
                memcmp (p + whole_len - 8, "IEND", 4) == 0);
        }
        off += whole_len > 0 ? whole_len : 1;
        break;
    }
  }
}

/* One event of a split: a record end or an invalid byte, with its offset
 * in the stream. */
typedef struct
{
  int invalid;
  size_t at;
} SplitEvent;

#define MAX_EVENTS 4096

/* Splits @text in pieces of @step, skipping a line after an invalid byte;
 * records the events. When @check_pieces, the text between group ends
 * must decode, and record by record the pieces must give what the whole
 * record gives. */
static size_t
split (const uint8_t * text, size_t len, size_t step, SplitEvent * ev,
    int check_pieces)
{
  ImcoreBase64Splitter s;
  size_t n_ev = 0, off = 0, piece = 0, record = 0, out_len;
  /* (more than the text decodes to: the decoder may use the room) */
  size_t room = len + 64;
  uint8_t *whole_out = malloc (room);
  uint8_t *piece_out = malloc (room);
  size_t piece_total = 0;
  int skipping = 0, pieces_ok = 1;

  CHECK (whole_out && piece_out);
  imcore_base64_splitter_reset (&s);
  while (off < len) {
    size_t end = len - off < step ? len : off + step;

    while (off < end) {
      ImcoreSplitResult r;
      size_t used;

      if (skipping) {
        if (text[off++] == '\n') {
          skipping = 0;
          record = piece = off;
          piece_total = 0;
          pieces_ok = 1;
        }
        continue;
      }
      r = imcore_base64_split (&s, text + off, end - off, &used);
      CHECK (used <= end - off);
      off += used;
      if (r == IMCORE_SPLIT_INVALID) {
        if (n_ev < MAX_EVENTS)
          ev[n_ev++] = (SplitEvent) { 1, off};
        imcore_base64_splitter_restart (&s);
        skipping = 1;
        continue;
      }
      if (r == IMCORE_SPLIT_MORE)
        CHECK (off == end);
      if (!check_pieces)
        goto next;
      if (r == IMCORE_SPLIT_END || imcore_base64_splitter_at_group_end (&s)) {
        const char *t = (const char *) text + piece;
        size_t n = off - piece;
        ImcoreError err;

        while (n > 0 && (*t == ' ' || *t == '\t' || *t == '\r' ||
                *t == '\n' || *t == '\f' || *t == '\v'))
          t++, n--;
        err = imcore_base64_decode (t, n, piece_out + piece_total,
            room - piece_total, 0, &out_len, NULL);
        if (r != IMCORE_SPLIT_END)
          CHECK (err == IMCORE_OK);
        if (err == IMCORE_OK)
          piece_total += out_len;
        else
          pieces_ok = 0;
        piece = off;
      }
      if (r == IMCORE_SPLIT_END) {
        const char *t = (const char *) text + record;
        size_t n = off - record;

        while (n > 0 && (*t == ' ' || *t == '\t' || *t == '\r' ||
                *t == '\n' || *t == '\f' || *t == '\v'))
          t++, n--;
        if (imcore_base64_decode (t, n, whole_out, room, 0, &out_len, NULL) ==
            IMCORE_OK) {
          CHECK (pieces_ok);
          CHECK (out_len == piece_total);
          CHECK (memcmp (whole_out, piece_out, out_len) == 0);
        }
        record = piece = off;
        piece_total = 0;
        pieces_ok = 1;
      }
    next:
      if (r == IMCORE_SPLIT_END && n_ev < MAX_EVENTS)
        ev[n_ev++] = (SplitEvent) { 0, off};
    }
  }
  free (whole_out);
  free (piece_out);
  return n_ev;
}

static void
fuzz_text (const uint8_t * d, size_t len, size_t step)
{
  static SplitEvent a[MAX_EVENTS], b[MAX_EVENTS];
  size_t na = split (d, len, len ? len : 1, a, 0);
  size_t nb = split (d, len, step, b, 1);

  CHECK (na == nb);
  for (size_t i = 0; i < na; i++)
    CHECK (a[i].invalid == b[i].invalid && a[i].at == b[i].at);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  size_t step;

  if (size < 2)
    return 0;
  step = 1 + (size_t) data[1];
  if (data[0] & 1)
    fuzz_text (data + 2, size - 2, step);
  else
    fuzz_images (data + 2, size - 2, step);
  return 0;
}
