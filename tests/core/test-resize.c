/* gst-imencode core: imcore-resize's contract. Pixel agreement with
 * OpenCV's cv2.resize itself is checked end to end against cv2
 * (tests/e2e/test_select_json.py); here the arguments, strides, edges and
 * values that follow from the definitions of bilinear and area averaging.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <glib.h>
#include <string.h>

#include "imcore-resize.h"

static const ImcoreResizeMethod methods[] = {
  IMCORE_RESIZE_OPENCV_LINEAR, IMCORE_RESIZE_OPENCV_AREA
};

static void
test_refuses_bad_arguments (void)
{
  guint8 src[16] = { 0 }, dst[16];
  ImcoreScratch sc = { 0 };

  g_assert_cmpint (imcore_resize_plane (NULL, 4, 2, 2, dst, 4, 2, 2, 1,
          IMCORE_RESIZE_OPENCV_LINEAR, &sc), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_resize_plane (src, 4, 0, 2, dst, 4, 2, 2, 1,
          IMCORE_RESIZE_OPENCV_LINEAR, &sc), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_resize_plane (src, 4, 2, 2, dst, 4, 2, 0, 1,
          IMCORE_RESIZE_OPENCV_LINEAR, &sc), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  /* a stride shorter than a row of 3 samples a pixel */
  g_assert_cmpint (imcore_resize_plane (src, 5, 2, 2, dst, 6, 2, 2, 3,
          IMCORE_RESIZE_OPENCV_LINEAR, &sc), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_resize_plane (src, 4, 2, 2, dst, 4, 2, 2, 5,
          IMCORE_RESIZE_OPENCV_LINEAR, &sc), ==,
      IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpint (imcore_resize_plane (src, 4, 2, 2, dst, 4, 2, 2, 1,
          (ImcoreResizeMethod) 7, &sc), ==, IMCORE_ERROR_INVALID_ARGUMENT);
  g_assert_cmpuint (imcore_resize_scratch_size (0, 4, 1), ==, 0);
  if (sizeof (size_t) > 4)
    g_assert_cmpuint (imcore_resize_scratch_size (G_MAXUINT32, G_MAXUINT32,
            4), >, 0);
  else
    g_assert_cmpuint (imcore_resize_scratch_size (G_MAXUINT32, G_MAXUINT32,
            4), ==, 0);
  imcore_scratch_clear (&sc);
}

/* A flat image stays flat, a single pixel fills any size, whatever the
 * method and direction; padding past each row is never written. */
static void
test_flat_and_single_pixel (void)
{
  static const guint32 sizes[][4] = {
    {1, 1, 7, 5}, {9, 7, 3, 2}, {9, 7, 20, 3}, {5, 5, 5, 13}, {64, 1, 3, 1},
  };
  ImcoreScratch sc = { 0 };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++) {
    for (guint i = 0; i < G_N_ELEMENTS (sizes); i++) {
      guint32 sw = sizes[i][0], sh = sizes[i][1];
      guint32 dw = sizes[i][2], dh = sizes[i][3];
      gsize sstride = sw * 3 + 5, dstride = dw * 3 + 7;
      guint8 *src = g_malloc (sstride * sh), *dst = g_malloc (dstride * dh);

      for (guint32 y = 0; y < sh; y++)
        for (guint32 x = 0; x < sw; x++)
          memcpy (src + y * sstride + 3 * x, "\x0a\x80\xfe", 3);
      memset (dst, 0x55, dstride * dh);
      g_assert_cmpint (imcore_resize_plane (src, sstride, sw, sh, dst,
              dstride, dw, dh, 3, methods[m], &sc), ==, IMCORE_OK);
      for (guint32 y = 0; y < dh; y++) {
        for (guint32 x = 0; x < dw; x++)
          g_assert_cmpmem (dst + y * dstride + 3 * x, 3, "\x0a\x80\xfe", 3);
        for (gsize k = dw * 3; k < dstride; k++)
          g_assert_cmpint (dst[y * dstride + k], ==, 0x55);
      }
      g_free (src);
      g_free (dst);
    }
  }
  imcore_scratch_clear (&sc);
}

/* Halving: INTER_LINEAR's half-pixel centres fall between two samples
 * both ways and INTER_AREA averages 2x2 blocks: the rounded mean of each
 * block for both. Two thirds: INTER_AREA weighs the middle sample half. */
static void
test_known_values (void)
{
  const guint8 src[4 * 4] = {
    0, 10, 100, 101,
    20, 30, 50, 52,
    255, 255, 0, 1,
    255, 254, 3, 3,
  };
  const guint8 row[3] = { 0, 90, 180 };
  guint8 dst[4], out[2];
  ImcoreScratch sc = { 0 };

  for (guint m = 0; m < G_N_ELEMENTS (methods); m++) {
    g_assert_cmpint (imcore_resize_plane (src, 4, 4, 4, dst, 2, 2, 2, 1,
            methods[m], &sc), ==, IMCORE_OK);
    g_assert_cmpint (dst[0], ==, 15);   /* 60 / 4 */
    g_assert_cmpint (dst[1], ==, 76);   /* 303 / 4 = 75.75 */
    g_assert_cmpint (dst[2], ==, 255);  /* 1019 / 4 = 254.75 */
    g_assert_cmpint (dst[3], ==, 2);    /* 7 / 4 = 1.75 */
  }
  /* 3 -> 2 by area: (0 + 90 / 2) / 1.5 = 30, (90 / 2 + 180) / 1.5 = 150 */
  g_assert_cmpint (imcore_resize_plane (row, 3, 3, 1, out, 2, 2, 1, 1,
          IMCORE_RESIZE_OPENCV_AREA, &sc), ==, IMCORE_OK);
  g_assert_cmpint (out[0], ==, 30);
  g_assert_cmpint (out[1], ==, 150);
  /* 4 -> 1 by area: the mean of all four, 60 (a two-sample mix would not) */
  {
    const guint8 four[4] = { 0, 40, 80, 120 };

    g_assert_cmpint (imcore_resize_plane (four, 4, 4, 1, out, 1, 1, 1, 1,
            IMCORE_RESIZE_OPENCV_AREA, &sc), ==, IMCORE_OK);
    g_assert_cmpint (out[0], ==, 60);
  }
  /* 3 -> 2 bilinear: centres at 0.25 and 1.75: 22.5 -> 22 or 23, 157.5 */
  g_assert_cmpint (imcore_resize_plane (row, 3, 3, 1, out, 2, 2, 1, 1,
          IMCORE_RESIZE_OPENCV_LINEAR, &sc), ==, IMCORE_OK);
  g_assert_cmpint (out[0], >=, 22);
  g_assert_cmpint (out[0], <=, 23);
  g_assert_cmpint (out[1], >=, 157);
  g_assert_cmpint (out[1], <=, 158);
  imcore_scratch_clear (&sc);
}

/* Planar YUV: each chroma plane at its own rounded-up size; the scratch
 * grows once and is reused. */
static void
test_planar_and_scratch_reuse (void)
{
  guint8 y[5 * 3], u[3 * 2], v[3 * 2], oy[9 * 7], ou[5 * 4], ov[5 * 4];
  ImcoreImage src = { IMCORE_PIXEL_I420, 5, 3, {y, u, v}, {5, 3, 3} };
  ImcoreImage dst = { IMCORE_PIXEL_I420, 9, 7, {oy, ou, ov}, {9, 5, 5} };
  ImcoreImage rgb = dst;
  ImcoreScratch sc = { 0 };
  guint8 *mem;

  memset (y, 200, sizeof (y));
  memset (u, 60, sizeof (u));
  memset (v, 190, sizeof (v));
  g_assert_cmpint (imcore_image_resize (&src, &dst,
          IMCORE_RESIZE_OPENCV_AREA, &sc), ==, IMCORE_OK);
  for (guint i = 0; i < sizeof (oy); i++)
    g_assert_cmpint (oy[i], ==, 200);
  for (guint i = 0; i < sizeof (ou); i++) {
    g_assert_cmpint (ou[i], ==, 60);
    g_assert_cmpint (ov[i], ==, 190);
  }
  mem = sc.data;
  g_assert_cmpint (imcore_image_resize (&src, &dst,
          IMCORE_RESIZE_OPENCV_LINEAR, &sc), ==, IMCORE_OK);
  g_assert_true (sc.data == mem);
  rgb.format = IMCORE_PIXEL_RGB;
  g_assert_cmpint (imcore_image_resize (&src, &rgb,
          IMCORE_RESIZE_OPENCV_LINEAR, &sc), ==,
      IMCORE_ERROR_UNSUPPORTED_FORMAT);
  imcore_scratch_clear (&sc);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/resize/refuses-bad-arguments",
      test_refuses_bad_arguments);
  g_test_add_func ("/resize/flat-and-single-pixel",
      test_flat_and_single_pixel);
  g_test_add_func ("/resize/known-values", test_known_values);
  g_test_add_func ("/resize/planar-and-scratch-reuse",
      test_planar_and_scratch_reuse);
  return g_test_run ();
}
