/* gst-imencode: unit tests of the JPEG encoder's options (progressive,
 * optimize, restart interval, Exif APP1, byte budget) on every input path,
 * and of the quality search under a byte budget (src/imcore-budget.c)
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Expectations come from elsewhere than the encoder: pixels from
 * libjpeg-turbo's TurboJPEG decompressor (an option must not change one:
 * the image decoded from the baseline file and from the file with the
 * option are compared exactly), default files from TurboJPEG's own
 * compressor (packed RGB and GRAY8: byte for byte as tjCompress2() makes
 * them), and the file structure from ITU-T T.81's markers: SOF0 or SOF2,
 * DRI and its value, RSTn markers counted in the entropy-coded data, APP1
 * "Exif" right after the JFIF APP0. The budget search's results are
 * checked against files encoded directly at the quality found and at 6
 * more, base64 sizes against GLib's encoder.
 */

#include "guarded.h"
#include "imcore.h"

#include <glib.h>
#include <string.h>
#include <turbojpeg.h>

typedef struct
{
  uint64_t s;
} Rng;

static uint32_t
rng_next (Rng * r)
{
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return (uint32_t) ((r->s * 0x2545f4914f6cdd1dull) >> 32);
}

/* A photo-like sample: gradients, coloured blocks that break symmetry,
 * and noise */
static uint8_t
photo_sample (uint32_t x, uint32_t y, unsigned c, Rng * rng)
{
  int v = (int) ((x * (3 + c) + y * (5 - c)) % 200) + 20;

  if (((x / 13) + (y / 11) * (c + 1)) % 5 == 0)
    v = (v + 97 * (c + 1)) % 256;
  v += (int) (rng_next (rng) % 41) - 20;
  return (uint8_t) (v < 0 ? 0 : v > 255 ? 255 : v);
}

/* The input paths of the encoder */
typedef enum
{
  PATH_RGB,                     /* packed RGB, libjpeg converts */
  PATH_GRAY8,
  PATH_I420,                    /* planar YUV, raw data */
  PATH_I422,
  PATH_I444,
  PATH_I420_TO_GRAY,
  PATH_NV12,                    /* interleaved, raw data */
  PATH_YUY2,
  N_PATHS
} Path;

static const char *path_names[N_PATHS] = { "RGB", "GRAY8", "I420", "I422",
  "I444", "I420-gray", "NV12", "YUY2"
};

/* One frame in every layout the paths need; rows padded with garbage */
typedef struct
{
  uint32_t w, h;
  uint8_t *rgb;                 /* stride w * 3 + 7 */
  uint8_t *gray;                /* stride w + 5 */
  uint8_t *y, *u, *v;           /* stride w + 3, chroma at 4:4:4 */
  uint8_t *nv;                  /* semi-planar chroma, stride w + 9 */
  uint8_t *yuy2;                /* stride 2 * w + 6 */
} Frame;

static Frame *
frame_new (uint32_t w, uint32_t h, uint64_t seed)
{
  Frame *f = g_new0 (Frame, 1);
  Rng rng = { seed };

  f->w = w;
  f->h = h;
  f->rgb = g_malloc ((w * 3 + 7) * h);
  f->gray = g_malloc ((w + 5) * h);
  f->y = g_malloc ((w + 3) * h);
  f->u = g_malloc ((w + 3) * h);
  f->v = g_malloc ((w + 3) * h);
  f->nv = g_malloc ((w + 9) * ((h + 1) / 2));
  f->yuy2 = g_malloc ((2 * w + 6) * h);
  for (size_t i = 0; i < (w * 3 + 7) * h; i++)
    f->rgb[i] = (uint8_t) rng_next (&rng);
  for (uint32_t y = 0; y < h; y++) {
    for (uint32_t x = 0; x < w; x++) {
      for (unsigned c = 0; c < 3; c++)
        f->rgb[y * (w * 3 + 7) + x * 3 + c] = photo_sample (x, y, c, &rng);
      f->gray[y * (w + 5) + x] = photo_sample (x, y, 0, &rng);
      f->y[y * (w + 3) + x] = photo_sample (x, y, 0, &rng);
      f->u[y * (w + 3) + x] = photo_sample (x, y, 1, &rng);
      f->v[y * (w + 3) + x] = photo_sample (x, y, 2, &rng);
    }
  }
  for (uint32_t y = 0; y < (h + 1) / 2; y++) {
    for (uint32_t x = 0; x < w + 9; x++)
      f->nv[y * (w + 9) + x] = x < 2 * ((w + 1) / 2) ?
          (x % 2 ? f->v : f->u)[2 * y * (w + 3) + x / 2] : 0xee;
  }
  for (uint32_t y = 0; y < h; y++) {
    for (uint32_t x = 0; x < 2 * w + 6; x++) {
      uint8_t *p = f->yuy2 + y * (2 * w + 6) + x;

      if (x >= 2 * ((w + 1) / 2) * 2)
        *p = 0xdd;
      else if (x % 2 == 0)
        *p = x / 2 < w ? f->y[y * (w + 3) + x / 2] : 0x10;
      else
        *p = (x % 4 == 1 ? f->u : f->v)[y * (w + 3) + x / 4 * 2];
    }
  }
  return f;
}

static void
frame_free (Frame * f)
{
  g_free (f->rgb);
  g_free (f->gray);
  g_free (f->y);
  g_free (f->u);
  g_free (f->v);
  g_free (f->nv);
  g_free (f->yuy2);
  g_free (f);
}

static ImcoreSubsampling
path_subsampling (Path p)
{
  switch (p) {
    case PATH_GRAY8:
    case PATH_I420_TO_GRAY:
      return IMCORE_SUBSAMPLING_GRAY;
    case PATH_I422:
    case PATH_YUY2:
      return IMCORE_SUBSAMPLING_422;
    case PATH_I444:
      return IMCORE_SUBSAMPLING_444;
    default:
      return IMCORE_SUBSAMPLING_420;
  }
}

/* Encodes @f through @path with @params (its subsampling and colorimetry
 * are set here) into @out of @out_size bytes: the whole image, or with
 * @slices its slice @index */
static ImcoreError
encode_path_slice (ImcoreJpegEncoder * enc, const Frame * f, Path path,
    ImcoreJpegParams * params, const ImcoreJpegSlices * slices,
    uint32_t index, uint8_t * out, size_t out_size, size_t *out_len)
{
  ImcoreImage img;
  ImcoreInterleavedYuv yuv;
  ImcoreRect all = { 0, 0, f->w, f->h };

  /* limited-range BT.601: the YUV paths convert on the way in */
  params->yuv = (ImcoreYuvColorimetry) {
  0.299, 0.114, true};
  params->subsampling = path_subsampling (path);
  memset (&img, 0, sizeof (img));
  memset (&yuv, 0, sizeof (yuv));
  img.width = yuv.width = f->w;
  img.height = yuv.height = f->h;
  switch (path) {
    case PATH_RGB:
      img.format = IMCORE_PIXEL_RGB;
      img.planes[0] = f->rgb;
      img.strides[0] = f->w * 3 + 7;
      break;
    case PATH_GRAY8:
      img.format = IMCORE_PIXEL_GRAY8;
      img.planes[0] = f->gray;
      img.strides[0] = f->w + 5;
      break;
    case PATH_I420:
    case PATH_I422:
    case PATH_I444:
    case PATH_I420_TO_GRAY:
      img.format = path == PATH_I422 ? IMCORE_PIXEL_I422 :
          path == PATH_I444 ? IMCORE_PIXEL_I444 : IMCORE_PIXEL_I420;
      /* the chroma planes are read at their own subsampling: a 4:4:4
       * plane with a wider stride stands for a subsampled one */
      img.planes[0] = f->y;
      img.planes[1] = f->u;
      img.planes[2] = f->v;
      img.strides[0] = f->w + 3;
      img.strides[1] = img.strides[2] = path == PATH_I444 ? f->w + 3 :
          path == PATH_I422 ? f->w + 3 : 2 * (f->w + 3);
      break;
    case PATH_NV12:
      yuv.planes[0] = f->y;
      yuv.planes[1] = f->nv;
      yuv.strides[0] = f->w + 3;
      yuv.strides[1] = f->w + 9;
      yuv.u_offset = 0;
      yuv.v_offset = 1;
      break;
    case PATH_YUY2:
      yuv.packed = true;
      yuv.planes[0] = f->yuy2;
      yuv.strides[0] = 2 * f->w + 6;
      yuv.y_offset = 0;
      yuv.u_offset = 1;
      yuv.v_offset = 3;
      break;
    default:
      g_assert_not_reached ();
  }
  if (path == PATH_NV12 || path == PATH_YUY2) {
    if (slices)
      return imcore_jpeg_encode_interleaved_slice (enc, &yuv, &all, params,
          slices, index, out, out_size, out_len);
    return imcore_jpeg_encode_interleaved (enc, &yuv, &all, params, out,
        out_size, out_len);
  }
  if (slices)
    return imcore_jpeg_encode_slice (enc, &img, params, slices, index, out,
        out_size, out_len);
  return imcore_jpeg_encode (enc, &img, params, out, out_size, out_len);
}

static ImcoreError
encode_path (ImcoreJpegEncoder * enc, const Frame * f, Path path,
    ImcoreJpegParams * params, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  return encode_path_slice (enc, f, path, params, NULL, 0, out, out_size,
      out_len);
}

/* Encodes into a fresh bound-sized buffer; fails the test on error */
static uint8_t *
encode_ok (ImcoreJpegEncoder * enc, const Frame * f, Path path,
    ImcoreJpegParams * params, size_t *len)
{
  size_t bound;
  uint8_t *out;
  ImcoreError err;

  params->subsampling = path_subsampling (path);
  bound = imcore_jpeg_bound_params (f->w, f->h, params);
  g_assert_cmpuint (bound, >, 0);
  out = g_malloc (bound);
  err = encode_path (enc, f, path, params, out, bound, len);
  if (err != IMCORE_OK)
    g_error ("%s %ux%u: %s (%s)", path_names[path], f->w, f->h,
        imcore_strerror (err), imcore_jpeg_encoder_last_error (enc));
  return out;
}

/* The JPEG decoded by TurboJPEG, RGB or gray as the file is */
static uint8_t *
decode (const uint8_t * jpeg, size_t len, uint32_t w, uint32_t h,
    size_t *size)
{
  tjhandle tj = tjInitDecompress ();
  int dw, dh, samp, cs, pf;
  uint8_t *pixels;

  g_assert_nonnull (tj);
  g_assert_cmpint (tjDecompressHeader3 (tj, jpeg, len, &dw, &dh, &samp,
          &cs), ==, 0);
  g_assert_cmpint (dw, ==, w);
  g_assert_cmpint (dh, ==, h);
  pf = samp == TJSAMP_GRAY ? TJPF_GRAY : TJPF_RGB;
  *size = (size_t) w * h * tjPixelSize[pf];
  pixels = g_malloc (*size);
  g_assert_cmpint (tjDecompress2 (tj, jpeg, len, pixels, w, 0, h, pf, 0),
      ==, 0);
  tjDestroy (tj);
  return pixels;
}

/* ---- the file's structure (ITU-T T.81 B.1) ---- */

typedef struct
{
  bool sof0, sof2;
  int dri;                      /* -1: no DRI marker */
  unsigned rst;                 /* RSTn markers in the entropy-coded data */
  unsigned sos;                 /* scans */
  int app1_index;               /* position among the markers, -1: none */
  int app0_index;
  size_t app1_offset, app1_len; /* payload (after the length) */
} JpegStructure;

static JpegStructure
parse_jpeg (const uint8_t * d, size_t len)
{
  JpegStructure s = { 0 };
  size_t i = 2;
  int index = 0;

  s.dri = -1;
  s.app1_index = s.app0_index = -1;
  g_assert_cmpuint (len, >, 4);
  g_assert_true (d[0] == 0xff && d[1] == 0xd8);
  while (i + 4 <= len) {
    uint8_t m;
    size_t seg;

    g_assert_cmpint (d[i], ==, 0xff);
    m = d[i + 1];
    if (m == 0xd9)
      break;
    seg = (size_t) d[i + 2] << 8 | d[i + 3];
    g_assert_cmpuint (i + 2 + seg, <=, len);
    if (m == 0xe0)
      s.app0_index = index;
    if (m == 0xe1) {
      s.app1_index = index;
      s.app1_offset = i + 4;
      s.app1_len = seg - 2;
    }
    if (m == 0xc0)
      s.sof0 = true;
    if (m == 0xc2)
      s.sof2 = true;
    if (m == 0xdd)
      s.dri = d[i + 4] << 8 | d[i + 5];
    index++;
    i += 2 + seg;
    if (m == 0xda) {
      s.sos++;
      /* entropy-coded data: up to the next marker that is not a stuffed
       * 0x00 or an RSTn */
      while (i + 1 < len) {
        if (d[i] == 0xff && d[i + 1] >= 0xd0 && d[i + 1] <= 0xd7) {
          s.rst++;
          i += 2;
        } else if (d[i] == 0xff && d[i + 1] != 0x00) {
          break;
        } else {
          i++;
        }
      }
    }
  }
  return s;
}

/* MCUs of a @w x @h JPEG with @samp: one scan of all components */
static unsigned
mcu_count (uint32_t w, uint32_t h, ImcoreSubsampling samp)
{
  unsigned mw = samp == IMCORE_SUBSAMPLING_420 ||
      samp == IMCORE_SUBSAMPLING_422 ? 16 : 8;
  unsigned mh = samp == IMCORE_SUBSAMPLING_420 ? 16 : 8;

  return ((w + mw - 1) / mw) * ((h + mh - 1) / mh);
}

/* ---- tests ---- */

static const uint32_t sizes[][2] = { {1, 1}, {17, 9}, {33, 47}, {160, 90} };

/* Each option on each path: the same pixels as the baseline file, and
 * the marker that shows it */
static void
test_same_pixels (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  static const struct
  {
    const char *name;
    bool progressive, optimize;
    unsigned restart;
  } options[] = {
    {"progressive", true, false, 0},
    {"optimize", false, true, 0},
    {"restart 1", false, false, 1},
    {"restart 7", false, false, 7},
    {"all", true, true, 3},
  };

  for (unsigned s = 0; s < G_N_ELEMENTS (sizes); s++) {
    Frame *f = frame_new (sizes[s][0], sizes[s][1], 11 + s);

    for (Path p = 0; p < N_PATHS; p++) {
      for (unsigned q = 0; q < 2; q++) {
        ImcoreJpegParams base = { q ? 97 : 75 };
        size_t base_len, base_px_size;
        uint8_t *base_jpeg = encode_ok (enc, f, p, &base, &base_len);
        uint8_t *base_px = decode (base_jpeg, base_len, f->w, f->h,
            &base_px_size);
        JpegStructure bs = parse_jpeg (base_jpeg, base_len);

        g_assert_true (bs.sof0);
        g_assert_false (bs.sof2);
        g_assert_cmpint (bs.dri, ==, -1);
        g_assert_cmpuint (bs.rst, ==, 0);
        for (unsigned o = 0; o < G_N_ELEMENTS (options); o++) {
          ImcoreJpegParams prm = { base.quality };
          size_t len, px_size;
          uint8_t *jpeg, *px;
          JpegStructure js;
          unsigned mcus = mcu_count (f->w, f->h, path_subsampling (p));

          prm.progressive = options[o].progressive;
          prm.optimize = options[o].optimize;
          prm.restart_interval = options[o].restart;
          jpeg = encode_ok (enc, f, p, &prm, &len);
          px = decode (jpeg, len, f->w, f->h, &px_size);
          g_test_message ("%s %ux%u q%d %s: %zu -> %zu bytes",
              path_names[p], f->w, f->h, base.quality, options[o].name,
              base_len, len);
          g_assert_cmpuint (px_size, ==, base_px_size);
          if (memcmp (px, base_px, px_size) != 0)
            g_error ("%s %ux%u q%d %s: pixels differ from baseline",
                path_names[p], f->w, f->h, base.quality, options[o].name);
          js = parse_jpeg (jpeg, len);
          g_assert_true (js.sof2 == options[o].progressive);
          g_assert_true (js.sof0 == !options[o].progressive);
          if (options[o].progressive)
            g_assert_cmpuint (js.sos, >, 1);
          else
            g_assert_cmpuint (js.sos, ==, 1);
          if (options[o].restart) {
            g_assert_cmpint (js.dri, ==, options[o].restart);
            /* sequential: one marker between each two intervals of the
             * scan; progressive: per scan, with each scan's own MCUs */
            if (!options[o].progressive)
              g_assert_cmpuint (js.rst, ==,
                  (mcus + options[o].restart - 1) / options[o].restart - 1);
            else if (mcus > options[o].restart)
              g_assert_cmpuint (js.rst, >, 0);
          } else {
            g_assert_cmpint (js.dri, ==, -1);
            g_assert_cmpuint (js.rst, ==, 0);
          }
          /* optimised tables for this very image: smaller, but for the
           * tiniest images whose table sizes dominate */
          if (options[o].optimize && !options[o].progressive &&
              f->w * f->h >= 1000)
            g_assert_cmpuint (len, <, base_len);
          g_free (jpeg);
          g_free (px);
        }
        g_free (base_jpeg);
        g_free (base_px);
      }
    }
    frame_free (f);
  }
  imcore_jpeg_encoder_free (enc);
}

/* Packed RGB and GRAY8 with the default options: the file TurboJPEG's
 * tjCompress2() makes, byte for byte, for every pixel order, subsampling
 * and both DCTs (below and from quality 96) */
static void
test_default_as_turbojpeg (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  tjhandle tj = tjInitCompress ();
  static const struct
  {
    ImcorePixelFormat fmt;
    int pf;
  } formats[] = {
    {IMCORE_PIXEL_RGB, TJPF_RGB}, {IMCORE_PIXEL_BGR, TJPF_BGR},
    {IMCORE_PIXEL_RGBA, TJPF_RGBA}, {IMCORE_PIXEL_BGRA, TJPF_BGRA},
    {IMCORE_PIXEL_ARGB, TJPF_ARGB}, {IMCORE_PIXEL_ABGR, TJPF_ABGR},
    {IMCORE_PIXEL_RGBX, TJPF_RGBX}, {IMCORE_PIXEL_BGRX, TJPF_BGRX},
    {IMCORE_PIXEL_XRGB, TJPF_XRGB}, {IMCORE_PIXEL_XBGR, TJPF_XBGR},
    {IMCORE_PIXEL_GRAY8, TJPF_GRAY},
  };
  static const struct
  {
    ImcoreSubsampling samp;
    int tjsamp;
  } samps[] = {
    {IMCORE_SUBSAMPLING_444, TJSAMP_444}, {IMCORE_SUBSAMPLING_422,
        TJSAMP_422}, {IMCORE_SUBSAMPLING_420, TJSAMP_420},
    {IMCORE_SUBSAMPLING_GRAY, TJSAMP_GRAY},
  };
  static const int qualities[] = { 1, 50, 95, 96, 100 };

  g_assert_nonnull (tj);
  for (unsigned s = 0; s < G_N_ELEMENTS (sizes); s++) {
    uint32_t w = sizes[s][0], h = sizes[s][1];
    size_t stride = (size_t) w * 4 + 12;
    uint8_t *pixels = g_malloc (stride * h);
    Rng rng = { 99 + s };

    for (size_t i = 0; i < stride * h; i++)
      pixels[i] = photo_sample ((uint32_t) (i % stride), (uint32_t) (i /
              stride), (unsigned) (i % 3), &rng);
    for (unsigned fi = 0; fi < G_N_ELEMENTS (formats); fi++) {
      for (unsigned si = 0; si < G_N_ELEMENTS (samps); si++) {
        for (unsigned qi = 0; qi < G_N_ELEMENTS (qualities); qi++) {
          ImcoreJpegParams prm = { qualities[qi], samps[si].samp };
          ImcoreImage img = { formats[fi].fmt, w, h, {pixels}, {stride} };
          size_t bound = imcore_jpeg_bound (w, h, samps[si].samp);
          unsigned long tj_len = bound;
          uint8_t *ours = g_malloc (bound), *theirs = g_malloc (bound);
          size_t len;

          if (!imcore_jpeg_accepts (formats[fi].fmt, samps[si].samp)) {
            g_free (ours);
            g_free (theirs);
            continue;
          }
          g_assert_cmpint (imcore_jpeg_encode (enc, &img, &prm, ours, bound,
                  &len), ==, IMCORE_OK);
          g_assert_cmpint (tjCompress2 (tj, pixels, (int) w, (int) stride,
                  (int) h, formats[fi].pf, &theirs, &tj_len, samps[si].tjsamp,
                  qualities[qi], TJFLAG_NOREALLOC), ==, 0);
          if (len != tj_len || memcmp (ours, theirs, len) != 0)
            g_error ("format %d, subsampling %d, q%d, %ux%u: not "
                "TurboJPEG's file (%zu vs %lu bytes)", formats[fi].fmt,
                samps[si].samp, qualities[qi], w, h, len, tj_len);
          g_free (ours);
          g_free (theirs);
        }
      }
    }
    g_free (pixels);
  }
  tjDestroy (tj);
  imcore_jpeg_encoder_free (enc);
}

/* The Exif bytes as an APP1 "Exif" marker right after the JFIF APP0 on
 * every path, same pixels; the bound counts the marker in */
static void
test_exif_marker (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  Frame *f = frame_new (33, 47, 5);
  uint8_t tiff[256];
  size_t tiff_len;

  g_assert_cmpint (imcore_exif_write_tiff (INT64_C (1700000000123456789),
          tiff, sizeof (tiff), &tiff_len), ==, IMCORE_OK);
  for (Path p = 0; p < N_PATHS; p++) {
    ImcoreJpegParams base = { 85 }, prm = { 85 };
    size_t base_len, len, a_size, b_size;
    uint8_t *a, *b, *base_jpeg, *jpeg;
    JpegStructure js;

    prm.exif = tiff;
    prm.exif_len = tiff_len;
    base_jpeg = encode_ok (enc, f, p, &base, &base_len);
    jpeg = encode_ok (enc, f, p, &prm, &len);
    g_assert_cmpuint (imcore_jpeg_bound_params (33, 47, &prm), ==,
        imcore_jpeg_bound_params (33, 47, &base) + 10 + tiff_len);
    js = parse_jpeg (jpeg, len);
    g_assert_cmpint (js.app0_index, ==, 0);
    g_assert_cmpint (js.app1_index, ==, 1);
    g_assert_cmpuint (js.app1_len, ==, 6 + tiff_len);
    g_assert_cmpmem (jpeg + js.app1_offset, 6, "Exif\0\0", 6);
    g_assert_cmpmem (jpeg + js.app1_offset + 6, tiff_len, tiff, tiff_len);
    /* the rest of the file is the baseline's */
    g_assert_cmpuint (len, ==, base_len + 10 + tiff_len);
    g_assert_cmpmem (jpeg + js.app1_offset + js.app1_len, len -
        js.app1_offset - js.app1_len, base_jpeg + js.app1_offset - 4,
        base_len - js.app1_offset + 4);
    a = decode (base_jpeg, base_len, 33, 47, &a_size);
    b = decode (jpeg, len, 33, 47, &b_size);
    g_assert_cmpmem (a, a_size, b, b_size);
    g_free (a);
    g_free (b);
    g_free (base_jpeg);
    g_free (jpeg);
  }
  frame_free (f);
  imcore_jpeg_encoder_free (enc);
}

/* A byte budget: a file that fits is the file made without one; one that
 * does not fails with NO_SPACE without writing past the budget, also
 * when the buffer is only the budget's size and ends at an inaccessible
 * page; the encoder works again afterwards */
static void
test_max_bytes (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  Frame *f = frame_new (160, 90, 21);

  for (Path p = 0; p < N_PATHS; p++) {
    for (unsigned variant = 0; variant < 3; variant++) {
      ImcoreJpegParams prm = { 85 };
      size_t full_len, len;
      uint8_t *full, *small;
      GuardedBuf g;
      ImcoreError err;

      prm.progressive = variant == 1;
      prm.optimize = variant == 2;
      full = encode_ok (enc, f, p, &prm, &full_len);

      /* exactly the file's size: fits, same bytes */
      prm.max_bytes = full_len;
      small = guarded_alloc (&g, full_len);
      g_assert_cmpint (encode_path (enc, f, p, &prm, small, full_len, &len),
          ==, IMCORE_OK);
      g_assert_cmpmem (small, len, full, full_len);
      guarded_free (&g);

      /* one byte short: refused, nothing written past it */
      prm.max_bytes = full_len - 1;
      small = guarded_alloc (&g, full_len - 1);
      err = encode_path (enc, f, p, &prm, small, full_len - 1, &len);
      g_assert_cmpint (err, ==, IMCORE_ERROR_NO_SPACE);
      guarded_free (&g);

      /* a buffer below the smaller of budget and bound: refused first */
      prm.max_bytes = full_len;
      small = g_malloc (full_len);
      g_assert_cmpint (encode_path (enc, f, p, &prm, small, full_len - 1,
              &len), ==, IMCORE_ERROR_NO_SPACE);
      g_free (small);

      /* and the encoder is whole */
      prm.max_bytes = 0;
      small = encode_ok (enc, f, p, &prm, &len);
      g_assert_cmpmem (small, len, full, full_len);
      g_free (small);
      g_free (full);
    }
  }
  frame_free (f);
  imcore_jpeg_encoder_free (enc);
}

/* Worst case for the bound: noise at quality 100, 4:4:4, every option
 * that adds bytes; the bound-sized buffer holds it */
static void
test_bound_holds_worst_case (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  uint32_t w = 256, h = 128;
  uint8_t *pixels = g_malloc ((size_t) w * h * 3);
  Rng rng = { 5 };
  uint8_t tiff[256];
  size_t tiff_len;

  g_assert_cmpint (imcore_exif_write_tiff (0, tiff, sizeof (tiff),
          &tiff_len), ==, IMCORE_OK);
  for (size_t i = 0; i < (size_t) w * h * 3; i++)
    pixels[i] = (uint8_t) rng_next (&rng);
  for (unsigned v = 0; v < 4; v++) {
    ImcoreJpegParams prm = { 100, IMCORE_SUBSAMPLING_444 };
    ImcoreImage img = { IMCORE_PIXEL_RGB, w, h, {pixels}, {w * 3} };
    size_t bound, len;
    uint8_t *out;
    GuardedBuf g;

    prm.progressive = v & 1;
    prm.restart_interval = 1;
    prm.optimize = v >> 1;
    prm.exif = tiff;
    prm.exif_len = tiff_len;
    bound = imcore_jpeg_bound_params (w, h, &prm);
    out = guarded_alloc (&g, bound);
    g_assert_cmpint (imcore_jpeg_encode (enc, &img, &prm, out, bound, &len),
        ==, IMCORE_OK);
    g_test_message ("noise q100 4:4:4 variant %u: %zu of %zu bytes", v, len,
        bound);
    guarded_free (&g);
  }
  g_free (pixels);
  imcore_jpeg_encoder_free (enc);
}

/* Options out of range are refused before anything is written */
static void
test_refuses_bad_options (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  Frame *f = frame_new (16, 16, 1);
  uint8_t tiff[16] = { 0 };

  for (Path p = 0; p < N_PATHS; p++) {
    ImcoreJpegParams prm = { 85 };
    size_t len = 777;
    uint8_t *out = g_malloc (1 << 16);
    size_t bound = 1 << 16;

    prm.restart_interval = IMCORE_JPEG_MAX_RESTART + 1;
    g_assert_cmpint (encode_path (enc, f, p, &prm, out, bound, &len), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    prm.restart_interval = IMCORE_JPEG_MAX_RESTART;
    g_assert_cmpint (encode_path (enc, f, p, &prm, out, bound, &len), ==,
        IMCORE_OK);
    len = 777;
    prm.exif = NULL;
    prm.exif_len = 10;
    g_assert_cmpint (encode_path (enc, f, p, &prm, out, bound, &len), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    prm.exif = tiff;
    prm.exif_len = IMCORE_JPEG_MAX_EXIF + 1;
    g_assert_cmpint (encode_path (enc, f, p, &prm, out, bound, &len), ==,
        IMCORE_ERROR_INVALID_ARGUMENT);
    g_assert_cmpuint (imcore_jpeg_bound_params (16, 16, &prm), ==, 0);
    g_assert_cmpuint (len, ==, 777);
    g_free (out);
  }
  g_assert_cmpuint (imcore_jpeg_bound_params (16, 16, NULL), ==, 0);
  frame_free (f);
  imcore_jpeg_encoder_free (enc);
}

/* Nothing of one file carries over to the next on the same encoder:
 * baseline files made before and after optimised and progressive ones
 * (which compute their own Huffman tables) are the same bytes, on every
 * path */
static void
test_no_carry_over (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  Frame *f = frame_new (40, 24, 8);

  for (Path p = 0; p < N_PATHS; p++) {
    ImcoreJpegParams base = { 80 }, opt = { 80 }, prog = { 80 };
    size_t a_len, b_len, len;
    uint8_t *a, *b, *other;

    opt.optimize = true;
    prog.progressive = true;
    a = encode_ok (enc, f, p, &base, &a_len);
    other = encode_ok (enc, f, p, &opt, &len);
    g_free (other);
    other = encode_ok (enc, f, p, &prog, &len);
    g_free (other);
    b = encode_ok (enc, f, p, &base, &b_len);
    g_assert_cmpmem (a, a_len, b, b_len);
    g_free (a);
    g_free (b);
  }
  frame_free (f);
  imcore_jpeg_encoder_free (enc);
}

/* The Exif writers' buffer contract: the size first, NO_SPACE one byte
 * short without writing, NULLs and times before 1970 refused */
static void
test_exif_buffers (void)
{
  uint8_t buf[200];
  size_t len = 5;

  g_assert_cmpuint (imcore_exif_tiff_size (), <=, sizeof (buf));
  g_assert_cmpuint (imcore_exif_app1_size (), ==,
      imcore_exif_tiff_size () + 6);
  memset (buf, 0xab, sizeof (buf));
  g_assert_cmpint (imcore_exif_write_tiff (0, buf,
          imcore_exif_tiff_size () - 1, &len), ==, IMCORE_ERROR_NO_SPACE);
  g_assert_cmpint (imcore_exif_write_app1 (0, buf,
          imcore_exif_app1_size () - 1, &len), ==, IMCORE_ERROR_NO_SPACE);
  g_assert_cmpint (imcore_exif_write_app1 (0, buf, 3, &len), ==,
      IMCORE_ERROR_NO_SPACE);
  g_assert_cmpuint (buf[0], ==, 0xab);
  g_assert_cmpint (imcore_exif_write_tiff (-1, buf, sizeof (buf), &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_exif_write_app1 (INT64_MIN, buf, sizeof (buf),
          &len), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_exif_write_tiff (0, NULL, sizeof (buf), &len), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_exif_write_tiff (0, buf, sizeof (buf), NULL), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (len, ==, 5);
  g_assert_cmpuint (buf[0], ==, 0xab);
  g_assert_cmpint (imcore_exif_write_tiff (INT64_MAX, buf,
          imcore_exif_tiff_size (), &len), ==, IMCORE_OK);
  g_assert_cmpuint (len, ==, imcore_exif_tiff_size ());
  g_assert_cmpmem (buf, 4, "II*\0", 4);
}

/* ---- the quality search under a byte budget (imcore-budget) ---- */

typedef struct
{
  ImcoreJpegEncoder *enc;
  const Frame *frame;
  Path path;
  ImcoreJpegParams params;
  unsigned calls;
  ImcoreError fail_with;        /* IMCORE_OK: none */
} BudgetCtx;

static ImcoreError
budget_encode (void *user_data, int quality, uint8_t * out, size_t out_size,
    size_t *out_len)
{
  BudgetCtx *c = user_data;

  c->calls++;
  if (c->fail_with != IMCORE_OK)
    return c->fail_with;
  c->params.quality = quality;
  c->params.max_bytes = out_size;
  return encode_path (c->enc, c->frame, c->path, &c->params, out, out_size,
      out_len);
}

/* The size of @f's file at @quality, without a budget */
static size_t
size_at (ImcoreJpegEncoder * enc, const Frame * f, Path path, int quality)
{
  ImcoreJpegParams prm = { quality };
  size_t len;
  uint8_t *jpeg = encode_ok (enc, f, path, &prm, &len);

  g_free (jpeg);
  return len;
}

/* What the contract promises of one result: it fits, it is the file the
 * encoder makes at that quality, TurboJPEG decodes it, and 6 qualities
 * more (if allowed) do not fit */
static void
check_result (ImcoreJpegEncoder * enc, const Frame * f, Path path,
    int max_quality, size_t budget, const uint8_t * out,
    const ImcoreBudgetResult * r)
{
  ImcoreJpegParams prm = { r->quality };
  size_t len, px_size;
  uint8_t *direct, *px;

  g_assert_cmpint (r->quality, >=, 1);
  g_assert_cmpint (r->quality, <=, max_quality);
  g_assert_cmpuint (r->len, <=, budget);
  direct = encode_ok (enc, f, path, &prm, &len);
  g_assert_cmpmem (out, r->len, direct, len);
  px = decode (out, r->len, f->w, f->h, &px_size);
  g_free (px);
  g_free (direct);
  if (r->quality + IMCORE_BUDGET_STEP <= max_quality)
    g_assert_cmpuint (size_at (enc, f, path, r->quality +
            IMCORE_BUDGET_STEP), >, budget);
}

/* A fresh search on noisy photo-like frames, on the RGB and planar and
 * interleaved YUV paths, budgets from above the maximum quality's size
 * down to a tenth of it */
static void
test_budget_fresh (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  Frame *f = frame_new (320, 240, 31);
  static const Path paths[] = { PATH_RGB, PATH_I420, PATH_NV12 };
  static const int maxima[] = { 85, 100, 40 };
  static const double fractions[] = { 1.5, 1.0, 0.8, 0.5, 0.33, 0.2, 0.1 };

  for (unsigned p = 0; p < G_N_ELEMENTS (paths); p++) {
    for (unsigned m = 0; m < G_N_ELEMENTS (maxima); m++) {
      size_t top = size_at (enc, f, paths[p], maxima[m]);

      for (unsigned b = 0; b < G_N_ELEMENTS (fractions); b++) {
        BudgetCtx c = { enc, f, paths[p] };
        ImcoreBudgetState state = { 0 };
        ImcoreBudgetResult r;
        size_t budget = (size_t) (top * fractions[b]);
        uint8_t *out = g_malloc (budget);
        ImcoreError err = imcore_budget_search (&state, maxima[m], budget,
            budget_encode, &c, out, budget, &r);

        g_test_message ("%s max q%d budget %zu (%.2f of %zu): q%d, %zu "
            "bytes, %u encodes", path_names[paths[p]], maxima[m], budget,
            fractions[b], top, r.quality, r.len, r.encodes);
        g_assert_cmpuint (r.encodes, ==, c.calls);
        if (budget < size_at (enc, f, paths[p], 1)) {
          g_assert_cmpint (err, ==, IMCORE_ERROR_NO_SPACE);
          g_assert_cmpint (r.quality, ==, 0);
          g_free (out);
          continue;
        }
        g_assert_cmpint (err, ==, IMCORE_OK);
        check_result (enc, f, paths[p], maxima[m], budget, out, &r);
        if (fractions[b] >= 1.0)
          g_assert_cmpint (r.quality, ==, maxima[m]);
        g_assert_cmpint (state.hint, ==, r.quality);
        g_free (out);
      }
    }
  }
  frame_free (f);
  imcore_jpeg_encoder_free (enc);
}

/* A budget nothing fits: reported as such, and the next image like it
 * costs one encode */
static void
test_budget_nothing_fits (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  Frame *f = frame_new (320, 240, 41);
  BudgetCtx c = { enc, f, PATH_I420 };
  ImcoreBudgetState state = { 0 };
  ImcoreBudgetResult r;
  size_t budget = size_at (enc, f, PATH_I420, 1) - 1;
  uint8_t *out = g_malloc (budget);

  g_assert_cmpint (imcore_budget_search (&state, 85, budget, budget_encode,
          &c, out, budget, &r), ==, IMCORE_ERROR_NO_SPACE);
  g_assert_cmpint (r.quality, ==, 0);
  g_test_message ("nothing fits: %u encodes", r.encodes);
  c.calls = 0;
  g_assert_cmpint (imcore_budget_search (&state, 85, budget, budget_encode,
          &c, out, budget, &r), ==, IMCORE_ERROR_NO_SPACE);
  g_assert_cmpuint (c.calls, ==, 1);
  /* one byte more: quality 1 fits */
  g_free (out);
  out = g_malloc (budget + 1);
  g_assert_cmpint (imcore_budget_search (&state, 85, budget + 1,
          budget_encode, &c, out, budget + 1, &r), ==, IMCORE_OK);
  check_result (enc, f, PATH_I420, 85, budget + 1, out, &r);
  g_free (out);
  frame_free (f);
  imcore_jpeg_encoder_free (enc);
}

/* A steady stream (the same scene, new noise in every frame) at a third of
 * the first frame's quality-85 size: every frame fits and is within the
 * contract, and the whole stream costs at most 1.3 encodes a frame */
static void
test_budget_steady_stream (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  ImcoreBudgetState state = { 0 };
  Frame *first = frame_new (320, 240, 100);
  size_t budget = size_at (enc, first, PATH_I420, 85) / 3;
  uint8_t *out = g_malloc (budget);
  unsigned frames = 48, encodes = 0, first_encodes = 0;

  for (unsigned i = 0; i < frames; i++) {
    Frame *f = i ? frame_new (320, 240, 100 + i) : first;
    BudgetCtx c = { enc, f, PATH_I420 };
    ImcoreBudgetResult r;

    g_assert_cmpint (imcore_budget_search (&state, 85, budget,
            budget_encode, &c, out, budget, &r), ==, IMCORE_OK);
    check_result (enc, f, PATH_I420, 85, budget, out, &r);
    if (i == 0)
      first_encodes = r.encodes;
    else
      encodes += r.encodes;
    frame_free (f);
  }
  g_test_message ("steady stream: first frame %u encodes, then %u for %u "
      "frames (%.3f a frame)", first_encodes, encodes, frames - 1,
      (double) encodes / (frames - 1));
  g_assert_cmpuint (encodes * 10, <=, (frames - 1) * 13);
  g_free (out);
  imcore_jpeg_encoder_free (enc);
}

/* A scene that gets busier, then simpler again: every image fits, and
 * the quality climbs back within a few images once the scene is simple */
static void
test_budget_scene_changes (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  ImcoreBudgetState state = { 0 };
  Frame *busy = frame_new (320, 240, 7);
  Frame *calm = frame_new (320, 240, 8);
  size_t budget;
  uint8_t *out;
  int calm_q = 0;

  /* calm: the noise and blocks of one colour only, mostly flat */
  memset (calm->u, 128, (size_t) (calm->w + 3) * calm->h);
  memset (calm->v, 128, (size_t) (calm->w + 3) * calm->h);
  for (size_t i = 0; i < (size_t) (calm->w + 3) * calm->h; i++)
    calm->y[i] = (uint8_t) (100 + calm->y[i] / 16);
  budget = size_at (enc, busy, PATH_I420, 85) / 3;
  out = g_malloc (budget);
  for (unsigned i = 0; i < 40; i++) {
    const Frame *f = (i / 10) % 2 ? busy : calm;
    BudgetCtx c = { enc, f, PATH_I420 };
    ImcoreBudgetResult r;

    g_assert_cmpint (imcore_budget_search (&state, 85, budget,
            budget_encode, &c, out, budget, &r), ==, IMCORE_OK);
    g_assert_cmpuint (r.len, <=, budget);
    g_test_message ("image %u (%s): q%d, %u encodes", i, f == busy ? "busy" :
        "calm", r.quality, r.encodes);
    if (i == 9)
      calm_q = r.quality;
    /* calm again: back to the calm quality within the probe period */
    if (i == 20 + IMCORE_BUDGET_PROBE_PERIOD + 1)
      g_assert_cmpint (r.quality, >=, calm_q - IMCORE_BUDGET_STEP);
    if (f == busy)
      check_result (enc, f, PATH_I420, 85, budget, out, &r);
  }
  g_free (out);
  frame_free (busy);
  frame_free (calm);
  imcore_jpeg_encoder_free (enc);
}

/* Arguments refused, and the encode function's own error passed on */
static void
test_budget_errors (void)
{
  ImcoreJpegEncoder *enc = imcore_jpeg_encoder_new ();
  Frame *f = frame_new (16, 16, 1);
  BudgetCtx c = { enc, f, PATH_RGB };
  ImcoreBudgetState state = { 0 };
  ImcoreBudgetResult r;
  uint8_t out[4096];

  g_assert_cmpint (imcore_budget_search (NULL, 85, 100, budget_encode, &c,
          out, sizeof (out), &r), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_budget_search (&state, 0, 100, budget_encode, &c,
          out, sizeof (out), &r), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_budget_search (&state, 101, 100, budget_encode,
          &c, out, sizeof (out), &r), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_budget_search (&state, 85, 0, budget_encode, &c,
          out, sizeof (out), &r), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_budget_search (&state, 85, 100, NULL, &c, out,
          sizeof (out), &r), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_budget_search (&state, 85, 100, budget_encode, &c,
          NULL, sizeof (out), &r), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_budget_search (&state, 85, 100, budget_encode, &c,
          out, 0, &r), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (c.calls, ==, 0);
  c.fail_with = IMCORE_ERROR_CODEC;
  g_assert_cmpint (imcore_budget_search (&state, 85, sizeof (out),
          budget_encode, &c, out, sizeof (out), &r), ==, IMCORE_ERROR_CODEC);
  g_assert_cmpuint (c.calls, ==, 1);
  frame_free (f);
  imcore_jpeg_encoder_free (enc);
}

/* The file size for a text budget, against GLib's base64 encoder: the
 * text of that many bytes fits, of 3 more does not */
static void
test_budget_base64 (void)
{
  for (size_t overhead = 0; overhead < 40; overhead += 13) {
    for (size_t text = 0; text < 300; text++) {
      size_t n = imcore_budget_base64_file_bytes (text, overhead);
      guchar *bytes = g_malloc0 (n + 3);
      gchar *b64 = g_base64_encode (bytes, n);
      gchar *more = g_base64_encode (bytes, n + 3);

      g_assert_cmpuint (n % 3, ==, 0);
      if (n > 0)
        g_assert_cmpuint (overhead + strlen (b64), <=, text);
      g_assert_cmpuint (overhead + strlen (more), >, text);
      g_free (bytes);
      g_free (b64);
      g_free (more);
    }
  }
  g_assert_cmpuint (imcore_budget_base64_file_bytes (SIZE_MAX, 0), ==,
      SIZE_MAX / 4 * 3);
}

/* ---- one image in slices (src/imcore-jpegslice.c) ---- */

/* Encodes every slice of @slices of @f through @path (last first, on two
 * encoders in turn, as threads would) and joins them into a file */
static uint8_t *
encode_sliced (ImcoreJpegEncoder * encs[2], const Frame * f, Path path,
    ImcoreJpegParams * params, const ImcoreJpegSlices * slices, size_t *len)
{
  uint32_t n = slices->n_slices;
  size_t bound = imcore_jpeg_bound_params (f->w, f->h, params);
  uint8_t *out = g_malloc (bound);
  uint8_t **parts = g_new0 (uint8_t *, n);
  size_t *lens = g_new0 (size_t, n);
  ImcoreError err;

  for (uint32_t i = n; i-- > 0;) {
    size_t sb = imcore_jpeg_slice_bound (f->w, params, slices, i);

    g_assert_cmpuint (sb, >, 0);
    g_assert_cmpuint (sb, <=, bound);
    if (i > 0)
      parts[i] = g_malloc (sb);
    err = encode_path_slice (encs[i % 2], f, path, params, slices, i,
        i ? parts[i] : out, i ? sb : bound, &lens[i]);
    if (err != IMCORE_OK)
      g_error ("%s %ux%u slice %u: %s (%s)", path_names[path], f->w, f->h, i,
          imcore_strerror (err), imcore_jpeg_encoder_last_error (encs[i % 2]));
  }
  *len = lens[0];
  err = imcore_jpeg_join_slices (slices, (const uint8_t * const *) parts,
      lens, out, bound, len);
  g_assert_cmpint (err, ==, IMCORE_OK);
  for (uint32_t i = 0; i < n; i++)
    g_free (parts[i]);
  g_free (parts);
  g_free (lens);
  return out;
}

/* What a plan must be: slices of whole MCU rows covering the image, at
 * most as many as asked, each a whole number of restart intervals */
static void
check_plan (const ImcoreJpegSlices * sl, uint32_t w, uint32_t h,
    ImcoreSubsampling samp, unsigned restart, uint32_t max_slices)
{
  unsigned mw = samp == IMCORE_SUBSAMPLING_420 ||
      samp == IMCORE_SUBSAMPLING_422 ? 16 : 8;
  unsigned mh = samp == IMCORE_SUBSAMPLING_420 ? 16 : 8;
  uint64_t slice_mcus;

  g_assert_cmpuint (sl->n_slices, >=, 2);
  g_assert_cmpuint (sl->n_slices, <=, max_slices);
  g_assert_cmpuint (sl->height, ==, h);
  g_assert_cmpuint (sl->mcu_height, ==, mh);
  g_assert_cmpuint (sl->mcus_per_row, ==, (w + mw - 1) / mw);
  g_assert_cmpuint (sl->slice_rows % mh, ==, 0);
  g_assert_cmpuint ((uint64_t) (sl->n_slices - 1) * sl->slice_rows, <, h);
  g_assert_cmpuint ((uint64_t) sl->n_slices * sl->slice_rows, >=, h);
  g_assert_cmpuint (sl->restart_interval, >=, 1);
  g_assert_cmpuint (sl->restart_interval, <=, IMCORE_JPEG_MAX_RESTART);
  if (restart)
    g_assert_cmpuint (sl->restart_interval, ==, restart);
  slice_mcus = (uint64_t) sl->slice_rows / mh * sl->mcus_per_row;
  g_assert_cmpuint (slice_mcus % sl->restart_interval, ==, 0);
}

/* A sliced file is, byte for byte, the file of the whole image with the
 * slices' restart interval, and decodes (TurboJPEG) to the pixels of the
 * file without restart markers, on every path, size, restart interval,
 * slice count and both DCTs, Exif included */
static void
test_slices_join_exact (void)
{
  ImcoreJpegEncoder *encs[2] = { imcore_jpeg_encoder_new (),
    imcore_jpeg_encoder_new ()
  };
  static const uint32_t slice_sizes[][2] = { {160, 90}, {333, 250},
  {64, 200}, {17, 70}, {1, 40}, {500, 17}
  };
  static const unsigned restarts[] = { 0, 1, 3, 10, 21 };
  static const uint32_t counts[] = { 2, 3, 5 };
  uint8_t tiff[256];
  size_t tiff_len;
  unsigned planned = 0;

  g_assert_cmpint (imcore_exif_write_tiff (1700000000123000000, tiff,
          sizeof (tiff), &tiff_len), ==, IMCORE_OK);
  for (unsigned s = 0; s < G_N_ELEMENTS (slice_sizes); s++) {
    Frame *f = frame_new (slice_sizes[s][0], slice_sizes[s][1], 31 + s);

    for (Path p = 0; p < N_PATHS; p++) {
      for (unsigned q = 0; q < 2; q++) {
        ImcoreJpegParams base = { q ? 97 : 75 };
        size_t base_len, base_px_size;
        uint8_t *base_jpeg = encode_ok (encs[0], f, p, &base, &base_len);
        uint8_t *base_px = decode (base_jpeg, base_len, f->w, f->h,
            &base_px_size);

        for (unsigned r = 0; r < G_N_ELEMENTS (restarts); r++) {
          for (unsigned c = 0; c < G_N_ELEMENTS (counts); c++) {
            ImcoreJpegParams prm = { base.quality }, whole;
            ImcoreJpegSlices sl;
            size_t len, whole_len, px_size;
            uint8_t *jpeg, *whole_jpeg, *px;
            JpegStructure js;
            unsigned mcus = mcu_count (f->w, f->h, path_subsampling (p));

            prm.subsampling = path_subsampling (p);
            prm.restart_interval = restarts[r];
            if (r == 0 && c == 0) {
              prm.exif = tiff;
              prm.exif_len = tiff_len;
            }
            if (imcore_jpeg_slices_plan (f->w, f->h, &prm, counts[c],
                    &sl) == 1) {
              g_assert_cmpuint (sl.n_slices, ==, 1);
              continue;
            }
            planned++;
            check_plan (&sl, f->w, f->h, prm.subsampling, restarts[r],
                counts[c]);
            jpeg = encode_sliced (encs, f, p, &prm, &sl, &len);
            whole = prm;
            whole.restart_interval = sl.restart_interval;
            whole_jpeg = encode_ok (encs[1], f, p, &whole, &whole_len);
            if (len != whole_len || memcmp (jpeg, whole_jpeg, len) != 0)
              g_error ("%s %ux%u q%d restart %u, %u slices: the joined file "
                  "(%zu bytes) is not the whole image's (%zu)",
                  path_names[p], f->w, f->h, prm.quality, restarts[r],
                  sl.n_slices, len, whole_len);
            px = decode (jpeg, len, f->w, f->h, &px_size);
            g_assert_cmpmem (px, px_size, base_px, base_px_size);
            js = parse_jpeg (jpeg, len);
            g_assert_cmpint (js.dri, ==, sl.restart_interval);
            g_assert_cmpuint (js.rst, ==, (mcus + sl.restart_interval - 1) /
                sl.restart_interval - 1);
            g_assert_cmpint (js.app1_index, ==, prm.exif_len ? 1 : -1);
            g_free (jpeg);
            g_free (whole_jpeg);
            g_free (px);
          }
        }
        g_free (base_jpeg);
        g_free (base_px);
      }
    }
    frame_free (f);
  }
  g_test_message ("%u sliced files", planned);
  g_assert_cmpuint (planned, >, 500);
  imcore_jpeg_encoder_free (encs[0]);
  imcore_jpeg_encoder_free (encs[1]);
}

/* Draws in the rows hook by whole-image row number: every 7th row's left
 * half white, so that a slice that numbered its rows from 0 draws
 * elsewhere */
static void
stripes_hook (void *user_data, const ImcoreImage * rows, uint32_t y)
{
  uint32_t *last = user_data;

  for (uint32_t r = 0; r < rows->height; r++) {
    if ((y + r) % 7 == 0)
      memset (rows->planes[0] + r * rows->strides[0], 255, rows->width / 2);
  }
  *last = MAX (*last, y + rows->height);
}

/* The rows hook of a sliced encode sees whole-image row numbers: what it
 * draws is where the whole image's encode draws it */
static void
test_slices_rows_hook (void)
{
  ImcoreJpegEncoder *encs[2] = { imcore_jpeg_encoder_new (),
    imcore_jpeg_encoder_new ()
  };
  Frame *f = frame_new (120, 203, 5);
  static const Path paths[] = { PATH_I420, PATH_I444, PATH_I420_TO_GRAY,
    PATH_NV12, PATH_YUY2
  };

  for (unsigned i = 0; i < G_N_ELEMENTS (paths); i++) {
    ImcoreJpegParams prm = { 85 }, whole;
    ImcoreJpegSlices sl;
    uint32_t last = 0, whole_last = 0;
    size_t len, whole_len;
    uint8_t *jpeg, *whole_jpeg;

    prm.subsampling = path_subsampling (paths[i]);
    prm.rows_hook = stripes_hook;
    prm.rows_hook_data = &last;
    g_assert_cmpuint (imcore_jpeg_slices_plan (f->w, f->h, &prm, 3, &sl), ==,
        3);
    jpeg = encode_sliced (encs, f, paths[i], &prm, &sl, &len);
    whole = prm;
    whole.restart_interval = sl.restart_interval;
    whole.rows_hook_data = &whole_last;
    whole_jpeg = encode_ok (encs[0], f, paths[i], &whole, &whole_len);
    g_assert_cmpuint (last, ==, f->h);
    g_assert_cmpuint (whole_last, ==, f->h);
    g_assert_cmpmem (jpeg, len, whole_jpeg, whole_len);
    g_free (jpeg);
    g_free (whole_jpeg);
  }
  frame_free (f);
  imcore_jpeg_encoder_free (encs[0]);
  imcore_jpeg_encoder_free (encs[1]);
}

/* What cannot be split is not: whole-image options, one MCU row, a
 * restart interval no row boundary lands on; the widest image keeps its
 * restart interval within the DRI marker */
static void
test_slices_plan (void)
{
  ImcoreJpegParams prm = { 85 };
  ImcoreJpegSlices sl;

  prm.subsampling = IMCORE_SUBSAMPLING_420;
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 2160, &prm, 2, &sl), ==,
      2);
  check_plan (&sl, 3840, 2160, prm.subsampling, 0, 2);
  /* 135 MCU rows: 68 + 67, one restart marker between them */
  g_assert_cmpuint (sl.slice_rows, ==, 68 * 16);
  g_assert_cmpuint (sl.restart_interval, ==, 68 * 240);
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 2160, &prm, 1, &sl), ==,
      1);
  g_assert_cmpuint (sl.slice_rows, ==, 2160);
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 16, &prm, 4, &sl), ==, 1);
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 17, &prm, 4, &sl), ==, 2);
  g_assert_cmpuint (imcore_jpeg_slices_plan (0, 17, &prm, 4, &sl), ==, 1);
  g_assert_cmpuint (imcore_jpeg_slices_plan (16, 65501, &prm, 4, &sl), ==,
      1);
  g_assert_cmpuint (imcore_jpeg_slices_plan (16, 100, NULL, 4, &sl), ==, 1);
  g_assert_cmpuint (imcore_jpeg_slices_plan (16, 100, &prm, 4, NULL), ==, 0);
  /* more slices than MCU rows: one row each */
  g_assert_cmpuint (imcore_jpeg_slices_plan (64, 48, &prm, 16, &sl), ==, 3);
  g_assert_cmpuint (sl.slice_rows, ==, 16);

  prm.progressive = true;
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 2160, &prm, 2, &sl), ==,
      1);
  prm.progressive = false;
  prm.optimize = true;
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 2160, &prm, 2, &sl), ==,
      1);
  prm.optimize = false;
  prm.max_bytes = 100000;
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 2160, &prm, 2, &sl), ==,
      1);
  prm.max_bytes = 0;

  /* 240 MCUs a row: an interval of 7 lands on a row boundary every 7
   * rows, one of 65535 (= 15 x 4369) every 4369 rows, past the image */
  prm.restart_interval = 7;
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 2160, &prm, 2, &sl), ==,
      2);
  check_plan (&sl, 3840, 2160, prm.subsampling, 7, 2);
  g_assert_cmpuint (sl.slice_rows, ==, 70 * 16);
  prm.restart_interval = IMCORE_JPEG_MAX_RESTART;
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 2160, &prm, 2, &sl), ==,
      1);
  prm.restart_interval = IMCORE_JPEG_MAX_RESTART + 1;
  g_assert_cmpuint (imcore_jpeg_slices_plan (3840, 2160, &prm, 2, &sl), ==,
      1);

  /* the widest 4:4:4 image: 8188 MCUs a row, so at most 8 rows an
   * interval; 250 rows a slice -> 5 rows (40940 MCUs) */
  prm.restart_interval = 0;
  prm.subsampling = IMCORE_SUBSAMPLING_444;
  g_assert_cmpuint (imcore_jpeg_slices_plan (65500, 4000, &prm, 2, &sl), ==,
      2);
  check_plan (&sl, 65500, 4000, prm.subsampling, 0, 2);
  g_assert_cmpuint (sl.restart_interval, ==, 5 * 8188);
}

/* The joiner takes only the parts it was meant to: a wrong restart
 * interval, height or end of file is refused, and a file that does not
 * fit is NO_SPACE without a byte written past the buffer */
static void
test_slices_join_refuses (void)
{
  ImcoreJpegEncoder *encs[2] = { imcore_jpeg_encoder_new (),
    imcore_jpeg_encoder_new ()
  };
  Frame *f = frame_new (96, 150, 3);
  ImcoreJpegParams prm = { 80 };
  ImcoreJpegSlices sl;
  uint8_t *parts[3] = { NULL };
  size_t lens[3], bound, len, good_len;
  uint8_t *out, *good;
  GuardedBuf g;

  prm.subsampling = IMCORE_SUBSAMPLING_420;
  g_assert_cmpuint (imcore_jpeg_slices_plan (f->w, f->h, &prm, 3, &sl), ==,
      3);
  bound = imcore_jpeg_bound_params (f->w, f->h, &prm);
  for (uint32_t i = 0; i < 3; i++) {
    size_t sb = imcore_jpeg_slice_bound (f->w, &prm, &sl, i);

    parts[i] = g_malloc (sb);
    g_assert_cmpint (encode_path_slice (encs[0], f, PATH_I420, &prm, &sl, i,
            parts[i], sb, &lens[i]), ==, IMCORE_OK);
  }
  out = g_malloc (bound);
  good = encode_sliced (encs, f, PATH_I420, &prm, &sl, &good_len);

#define JOIN() (memcpy (out, parts[0], lens[0]), len = lens[0], \
    imcore_jpeg_join_slices (&sl, (const uint8_t * const *) parts, lens, \
        out, bound, &len))
  g_assert_cmpint (JOIN (), ==, IMCORE_OK);
  g_assert_cmpmem (out, len, good, good_len);
  /* a wrong DRI value in part 1 (its marker follows APP0 and the tables) */
  for (size_t i = 2; i + 5 < lens[1]; i++) {
    if (parts[1][i] == 0xff && parts[1][i + 1] == 0xdd) {
      parts[1][i + 5] ^= 1;
      g_assert_cmpint (JOIN (), ==, IMCORE_ERROR_INVALID_ARGUMENT);
      parts[1][i + 5] ^= 1;
      break;
    }
  }
  g_assert_cmpint (JOIN (), ==, IMCORE_OK);
  /* parts swapped: the last slice's height is not a middle one's */
  {
    uint8_t *t = parts[1];
    size_t tl = lens[1];

    parts[1] = parts[2];
    lens[1] = lens[2];
    parts[2] = t;
    lens[2] = tl;
    g_assert_cmpint (JOIN (), ==, IMCORE_ERROR_INVALID_ARGUMENT);
    parts[2] = parts[1];
    lens[2] = lens[1];
    parts[1] = t;
    lens[1] = tl;
  }
  /* truncated: no EOI */
  lens[2] -= 1;
  g_assert_cmpint (JOIN (), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  lens[2] += 1;
  /* not a JPEG */
  parts[1][0] = 0;
  g_assert_cmpint (JOIN (), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  parts[1][0] = 0xff;
  g_assert_cmpint (JOIN (), ==, IMCORE_OK);
#undef JOIN

  /* one byte short of the joined file, in memory that ends there */
  {
    uint8_t *small = guarded_alloc (&g, good_len - 1);

    memcpy (small, parts[0], lens[0]);
    len = lens[0];
    g_assert_cmpint (imcore_jpeg_join_slices (&sl,
            (const uint8_t * const *) parts, lens, small, good_len - 1,
            &len), ==, IMCORE_ERROR_NO_SPACE);
    guarded_free (&g);
    small = guarded_alloc (&g, good_len);
    memcpy (small, parts[0], lens[0]);
    len = lens[0];
    g_assert_cmpint (imcore_jpeg_join_slices (&sl,
            (const uint8_t * const *) parts, lens, small, good_len, &len), ==,
        IMCORE_OK);
    g_assert_cmpmem (small, len, good, good_len);
    guarded_free (&g);
  }
  /* a slice or an image that is not the plan's */
  len = 0;
  g_assert_cmpint (encode_path_slice (encs[0], f, PATH_I420, &prm, &sl, 3,
          out, bound, &len), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  sl.height++;
  g_assert_cmpint (encode_path_slice (encs[0], f, PATH_I420, &prm, &sl, 0,
          out, bound, &len), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  sl.height--;
  prm.subsampling = IMCORE_SUBSAMPLING_444;
  g_assert_cmpuint (imcore_jpeg_slice_bound (f->w, &prm, &sl, 0), ==, 0);
  g_assert_cmpuint (len, ==, 0);

  for (uint32_t i = 0; i < 3; i++)
    g_free (parts[i]);
  g_free (out);
  g_free (good);
  frame_free (f);
  imcore_jpeg_encoder_free (encs[0]);
  imcore_jpeg_encoder_free (encs[1]);
}

/* What slicing costs in bytes: a restart marker and its byte alignment
 * per slice, well within 0.5 % of the file without restart markers */
static void
test_slices_bytes (void)
{
  ImcoreJpegEncoder *encs[2] = { imcore_jpeg_encoder_new (),
    imcore_jpeg_encoder_new ()
  };
  Frame *f = frame_new (1280, 720, 9);

  for (uint32_t n = 2; n <= 8; n *= 2) {
    ImcoreJpegParams prm = { 85 }, base = { 85 };
    ImcoreJpegSlices sl;
    size_t len, base_len;
    uint8_t *jpeg, *base_jpeg;

    prm.subsampling = IMCORE_SUBSAMPLING_420;
    g_assert_cmpuint (imcore_jpeg_slices_plan (f->w, f->h, &prm, n, &sl), ==,
        n);
    jpeg = encode_sliced (encs, f, PATH_I420, &prm, &sl, &len);
    base_jpeg = encode_ok (encs[0], f, PATH_I420, &base, &base_len);
    g_test_message ("%u slices: %zu bytes, without %zu (+%.3f %%)", n, len,
        base_len, 100.0 * ((double) len / base_len - 1));
    g_assert_cmpfloat ((double) len, <=, base_len * 1.005);
    g_free (jpeg);
    g_free (base_jpeg);
  }
  frame_free (f);
  imcore_jpeg_encoder_free (encs[0]);
  imcore_jpeg_encoder_free (encs[1]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/jpeg-options/same-pixels", test_same_pixels);
  g_test_add_func ("/jpeg-options/default-as-turbojpeg",
      test_default_as_turbojpeg);
  g_test_add_func ("/jpeg-options/exif-marker", test_exif_marker);
  g_test_add_func ("/jpeg-options/exif-buffers", test_exif_buffers);
  g_test_add_func ("/jpeg-options/no-carry-over", test_no_carry_over);
  g_test_add_func ("/jpeg-options/max-bytes", test_max_bytes);
  g_test_add_func ("/jpeg-options/bound-holds-worst-case",
      test_bound_holds_worst_case);
  g_test_add_func ("/jpeg-options/refuses-bad-options",
      test_refuses_bad_options);
  g_test_add_func ("/slices/join-exact", test_slices_join_exact);
  g_test_add_func ("/slices/rows-hook", test_slices_rows_hook);
  g_test_add_func ("/slices/plan", test_slices_plan);
  g_test_add_func ("/slices/join-refuses", test_slices_join_refuses);
  g_test_add_func ("/slices/bytes", test_slices_bytes);
  g_test_add_func ("/budget/fresh", test_budget_fresh);
  g_test_add_func ("/budget/nothing-fits", test_budget_nothing_fits);
  g_test_add_func ("/budget/steady-stream", test_budget_steady_stream);
  g_test_add_func ("/budget/scene-changes", test_budget_scene_changes);
  g_test_add_func ("/budget/errors", test_budget_errors);
  g_test_add_func ("/budget/base64", test_budget_base64);
  return g_test_run ();
}
