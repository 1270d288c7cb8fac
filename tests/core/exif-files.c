/* gst-imencode: writes Exif blocks and JPEGs carrying them, for
 * tests/core/test_exif.py to read back with Pillow
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * exif-files DIR NS...: for each time NS (nanoseconds since the Unix
 * epoch, UTC) writes DIR/NS.tiff (imcore_exif_write_tiff()'s bytes),
 * DIR/NS.app1 (imcore_exif_write_app1()'s) and DIR/NS.jpg (a 24x16 RGB
 * image encoded with those bytes as its Exif), and prints "ok NS"; for a
 * time the core refuses it prints "refused NS <error>" and writes
 * nothing. Exit status 0 unless something else failed.
 */

#include "imcore.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
write_file (const char *dir, const char *name, const char *ext,
    const uint8_t * data, size_t len)
{
  char path[4096];
  FILE *f;
  int ok;

  snprintf (path, sizeof (path), "%s/%s.%s", dir, name, ext);
  f = fopen (path, "wb");
  if (!f) {
    fprintf (stderr, "%s: %s\n", path, strerror (errno));
    return 0;
  }
  ok = fwrite (data, 1, len, f) == len;
  ok = fclose (f) == 0 && ok;
  if (!ok)
    fprintf (stderr, "%s: write failed\n", path);
  return ok;
}

int
main (int argc, char **argv)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  uint8_t pixels[24 * 16 * 3], tiff[256], app1[256], *jpeg = NULL;
  ImcoreImage img = { IMCORE_PIXEL_RGB, 24, 16, {pixels}, {24 * 3} };
  int status = 0;

  if (argc < 3 || !enc) {
    fprintf (stderr, "usage: exif-files DIR NS...\n");
    return 2;
  }
  for (size_t i = 0; i < sizeof (pixels); i++)
    pixels[i] = (uint8_t) (i * 7 + i / 72 * 13);
  for (int a = 2; a < argc; a++) {
    ImcoreJpegParams params = { 90, IMCORE_SUBSAMPLING_420 };
    char *end;
    long long ns;
    size_t tiff_len, app1_len, bound, len;
    ImcoreError err;

    errno = 0;
    ns = strtoll (argv[a], &end, 10);
    if (errno || *end) {
      fprintf (stderr, "not a time: %s\n", argv[a]);
      status = 2;
      continue;
    }
    err = imcore_exif_write_tiff ((int64_t) ns, tiff, sizeof (tiff),
        &tiff_len);
    if (err != IMCORE_OK) {
      printf ("refused %s %s\n", argv[a], imcore_strerror (err));
      continue;
    }
    err = imcore_exif_write_app1 ((int64_t) ns, app1, sizeof (app1),
        &app1_len);
    if (err != IMCORE_OK || tiff_len != imcore_exif_tiff_size () ||
        app1_len != imcore_exif_app1_size ()) {
      fprintf (stderr, "%s: app1 %s, sizes %zu %zu\n", argv[a],
          imcore_strerror (err), tiff_len, app1_len);
      status = 1;
      continue;
    }
    params.exif = tiff;
    params.exif_len = tiff_len;
    bound = imcore_jpeg_bound_params (24, 16, &params);
    free (jpeg);
    jpeg = malloc (bound);
    if (!jpeg || imcore_jpeg_encode (enc, &img, &params, jpeg, bound,
            &len) != IMCORE_OK) {
      fprintf (stderr, "%s: encode failed\n", argv[a]);
      status = 1;
      continue;
    }
    if (!write_file (argv[1], argv[a], "tiff", tiff, tiff_len) ||
        !write_file (argv[1], argv[a], "app1", app1, app1_len) ||
        !write_file (argv[1], argv[a], "jpg", jpeg, len)) {
      status = 1;
      continue;
    }
    printf ("ok %s\n", argv[a]);
  }
  free (jpeg);
  imcore_jpeg_encoder_free (enc);
  return status;
}
