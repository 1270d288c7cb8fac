/* gst-imencode benchmark: PNG compression level 1, row filters x zlib
 * strategies
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What compression-level=1 should ask libpng for. Raw libpng encodes
 * 1920x1080 RGB frames into a preallocated memory buffer (png_set_write_fn,
 * png_set_compression_level 1, a 256 KiB zlib buffer as src/imcore-png.c
 * sets, a new png_struct per image, memory from malloc) with every combination
 * of row filter {none, SUB, UP, AVG, PAETH, all = libpng's adaptive
 * default} and zlib strategy {Z_DEFAULT_STRATEGY, Z_FILTERED, Z_RLE,
 * Z_HUFFMAN_ONLY}, on three contents:
 *
 *   (a) photo   generated photo-like scene: smooth shading, mid-frequency
 *               structure, +-9 grain, hard-edged shapes (as make_scene()
 *               in bench-imencode.c)
 *   (b) screen  a generated screen capture: flat window fills, text-like
 *               anti-aliased glyphs, icons, a few gradients
 *   (c) card    SMPTE-like colour bars (as videotestsrc pattern=smpte)
 *
 * Each content is a canvas a little larger than 1080p, panned to make 4
 * distinct frames (prepared once, untimed). Per content, every
 * configuration encodes the same frames in the same order: N rounds, and
 * in each round every configuration encodes that round's frame once, so
 * that load from other processes falls on all of them alike. One untimed
 * encode per configuration first (its output is decoded and compared with
 * the frame). Reported: frames per second from the median encode time,
 * average bytes per frame, both against the current choice (SUB + Z_RLE,
 * what OpenCV's cv2.imencode uses), sorted by fps, and the share of
 * zero bytes the SUB and UP filters leave. Then a second set of rounds:
 * the current choice again (that set's reference); for the two fastest
 * configurations at most 10 % larger than the current choice, zlib
 * memLevel 8 (libpng's default) vs 9, with and without an explicit
 * windowBits 15; and zlib deflate alone (level 1, each strategy) on the
 * unfiltered RGB bytes, as a reference for what libpng adds. Last, one
 * table of all combinations on all three contents.
 *
 *   bench-png-level1 [rounds]     (default 16, about 1.5 min; at least 4)
 */
#include <glib.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define W 1920
#define H 1080
#define CANVAS_W (W + 96)
#define CANVAS_H (H + 48)
#define N_FRAMES 4
#define DEFAULT_ROUNDS 16
#define ZBUF_SIZE (256 * 1024)  /* as src/imcore-png.c */
#define SIZE_SLACK 1.10         /* "not much larger" for the variant runs */

typedef struct
{
  const gchar *name;
  const gchar *what;
  guint8 *frames[N_FRAMES];     /* packed RGB, W * 3 bytes a row */
  png_bytep *rows[N_FRAMES];
} Content;

/* ---- content ---- */

typedef struct
{
  guint8 *p;
  gint w, h;
} Canvas;

static Canvas
canvas_new (void)
{
  Canvas c = { g_malloc0 ((gsize) CANVAS_W * CANVAS_H * 3), CANVAS_W,
    CANVAS_H
  };

  return c;
}

static guint8 *
pixel (Canvas * c, gint x, gint y)
{
  return c->p + ((gsize) y * c->w + x) * 3;
}

static void
put (Canvas * c, gint x, gint y, guint32 rgb)
{
  guint8 *p;

  if (x < 0 || y < 0 || x >= c->w || y >= c->h)
    return;
  p = pixel (c, x, y);
  p[0] = rgb >> 16;
  p[1] = (rgb >> 8) & 0xff;
  p[2] = rgb & 0xff;
}

/* @rgb over the pixel with coverage @a (0..255) */
static void
blend (Canvas * c, gint x, gint y, guint32 rgb, gint a)
{
  guint8 *p;

  if (x < 0 || y < 0 || x >= c->w || y >= c->h)
    return;
  p = pixel (c, x, y);
  p[0] += ((gint) (rgb >> 16) - p[0]) * a / 255;
  p[1] += ((gint) ((rgb >> 8) & 0xff) - p[1]) * a / 255;
  p[2] += ((gint) (rgb & 0xff) - p[2]) * a / 255;
}

static guint32
mix (guint32 a, guint32 b, double t)
{
  guint32 out = 0;

  for (gint s = 16; s >= 0; s -= 8) {
    double va = (a >> s) & 0xff, vb = (b >> s) & 0xff;

    out |= (guint32) lround (va + (vb - va) * t) << s;
  }
  return out;
}

static void
fill (Canvas * c, gint x0, gint y0, gint w, gint h, guint32 rgb)
{
  for (gint y = y0; y < y0 + h; y++)
    for (gint x = x0; x < x0 + w; x++)
      put (c, x, y, rgb);
}

/* left to right from @a to @b when @horizontal, else top to bottom */
static void
gradient (Canvas * c, gint x0, gint y0, gint w, gint h, guint32 a,
    guint32 b, gboolean horizontal)
{
  for (gint y = y0; y < y0 + h; y++)
    for (gint x = x0; x < x0 + w; x++)
      put (c, x, y, mix (a, b, horizontal ? (x - x0) / (double) (w - 1) :
              (y - y0) / (double) (h - 1)));
}

static void
outline (Canvas * c, gint x0, gint y0, gint w, gint h, guint32 rgb)
{
  fill (c, x0, y0, w, 1, rgb);
  fill (c, x0, y0 + h - 1, w, 1, rgb);
  fill (c, x0, y0, 1, h, rgb);
  fill (c, x0 + w - 1, y0, 1, h, rgb);
}

static void
disc (Canvas * c, gint cx, gint cy, gint r, guint32 rgb)
{
  for (gint y = cy - r; y <= cy + r; y++)
    for (gint x = cx - r; x <= cx + r; x++)
      if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
        put (c, x, y, rgb);
}

/* (a) Photo-like: the statistics of make_scene() in bench-imencode.c. */
static void
draw_photo (Canvas * c)
{
  GRand *rand = g_rand_new_with_seed (2016);
  static const gint discs[][3] = {
    {1250, 420, 170}, {420, 260, 95}, {1750, 900, 210}, {800, 980, 70},
    {1550, 640, 45},
  };

  for (gint y = 0; y < c->h; y++) {
    for (gint x = 0; x < c->w; x++) {
      double fx = x / (double) c->w, fy = y / (double) c->h;
      double base = 112 + 58 * sin (fx * 3.7 + fy * 2.3) +
          24 * sin (fx * 27 + cos (fy * 19) * 2) * cos (fy * 22);
      double grain = g_rand_double_range (rand, -9, 9);
      gboolean shape = (x > 180 && x < 660 && y > 560 && y < 860 &&
          ((x / 40 + y / 40) % 2)) || (x > 1300 && x < 1950 && y > 120 &&
          y < 230 && (x / 25) % 3 == 0);
      guint8 *p = pixel (c, x, y);
      double r, g, b;

      for (guint i = 0; i < G_N_ELEMENTS (discs) && !shape; i++) {
        gint dx = x - discs[i][0], dy = y - discs[i][1];

        shape = dx * dx + dy * dy < discs[i][2] * discs[i][2];
      }
      r = base + grain + (shape ? 70 : 0);
      g = base * 0.9 + 20 * sin (fy * 45) + grain;
      b = base * 0.7 + 50 * fx + grain - (shape ? 40 : 0);
      p[0] = (guint8) CLAMP (r, 0, 255);
      p[1] = (guint8) CLAMP (g, 0, 255);
      p[2] = (guint8) CLAMP (b, 0, 255);
    }
  }
  g_rand_free (rand);
}

/* Text: glyphs of 2-4 strokes in a 7x12 box, with anti-aliased fringes
 * (partial coverage beside each stroke, as sub-pixel-rendered text has). */
#define GLYPH_W 7
#define GLYPH_H 12
#define CELL_W 8
#define N_GLYPHS 52

static guint8 glyphs[N_GLYPHS][GLYPH_H][GLYPH_W];

static void
make_glyphs (GRand * rand)
{
  for (gint g = 0; g < N_GLYPHS; g++) {
    guint8 ink[GLYPH_H][GLYPH_W] = { {0} };
    gint top = g_rand_boolean (rand) ? 1 : 4;   /* ascender or x-height */
    gint strokes = g_rand_int_range (rand, 2, 5);

    for (gint s = 0; s < strokes; s++) {
      gint col = g_rand_int_range (rand, 0, 5);
      gint row = top + g_rand_int_range (rand, 0, 3) * (9 - top) / 2;

      switch (g_rand_int_range (rand, 0, 4)) {
        case 0:                /* stem */
          for (gint y = top; y <= 9; y++)
            ink[y][col] = 255;
          break;
        case 1:                /* bar */
          for (gint x = 0; x < 5; x++)
            ink[row][x] = 255;
          break;
        case 2:                /* diagonal */
          for (gint y = top; y <= 9; y++)
            ink[y][(y - top) * 4 / (10 - top)] = 255;
          break;
        default:               /* descender or dot */
          ink[10][col] = ink[11][col] = ink[top][col] = 255;
          break;
      }
    }
    for (gint y = 0; y < GLYPH_H; y++) {
      for (gint x = 0; x < GLYPH_W; x++) {
        glyphs[g][y][x] = ink[y][x];
        if (!ink[y][x] && x > 0 && ink[y][x - 1])
          glyphs[g][y][x] = 100;
        else if (!ink[y][x] && x + 1 < GLYPH_W && ink[y][x + 1])
          glyphs[g][y][x] = 45;
      }
    }
  }
}

static void
draw_glyph (Canvas * c, gint x0, gint y0, gint g, guint32 rgb)
{
  for (gint y = 0; y < GLYPH_H; y++)
    for (gint x = 0; x < GLYPH_W; x++)
      if (glyphs[g][y][x])
        blend (c, x0 + x, y0 + y, rgb, glyphs[g][y][x]);
}

/* A string of @n glyphs; returns the x after it. */
static gint
draw_word (Canvas * c, GRand * rand, gint x, gint y, gint n, guint32 rgb)
{
  for (gint i = 0; i < n; i++, x += CELL_W)
    draw_glyph (c, x, y, g_rand_int_range (rand, 0, N_GLYPHS), rgb);
  return x;
}

/* Ragged lines of words in @w pixels from (@x0, @y0), @line_h apart;
 * a quarter of the words in @accent (syntax colouring) when it differs
 * from @rgb, lines indented by up to @indent cells. */
static void
draw_text (Canvas * c, GRand * rand, gint x0, gint y0, gint w, gint lines,
    gint line_h, guint32 rgb, guint32 accent, gint indent)
{
  for (gint l = 0; l < lines; l++) {
    gint x = x0 + CELL_W * 4 * g_rand_int_range (rand, 0, indent + 1);
    gint end = x0 + w * g_rand_int_range (rand, 30, 101) / 100;

    while (x + CELL_W * 3 < end) {
      gint n = g_rand_int_range (rand, 2, 10);

      n = MIN (n, (end - x) / CELL_W);
      x = draw_word (c, rand, x, y0 + l * line_h, n,
          g_rand_int_range (rand, 0, 4) ? rgb : accent) + CELL_W;
    }
  }
}

/* A window frame: border, title bar in a horizontal gradient with three
 * buttons and a title, body filled with @body. */
static void
draw_window (Canvas * c, GRand * rand, gint x, gint y, gint w, gint h,
    guint32 body)
{
  fill (c, x + 6, y + 6, w, h, 0x1e2838);       /* flat shadow */
  gradient (c, x, y, w, 30, 0xe4e4ea, 0xc8c8d2, TRUE);
  fill (c, x, y + 30, w, h - 30, body);
  outline (c, x, y, w, h, 0x585860);
  disc (c, x + 16, y + 15, 6, 0xec5f56);
  disc (c, x + 36, y + 15, 6, 0xf5bd4f);
  disc (c, x + 56, y + 15, 6, 0x60c454);
  draw_word (c, rand, x + w / 2 - 10 * CELL_W, y + 9, 20, 0x303036);
}

/* (b) A screen capture: desktop gradient, an editor, a file manager, a
 * terminal, a top bar and a dock. */
static void
draw_screen (Canvas * c)
{
  GRand *rand = g_rand_new_with_seed (1128);
  static const guint32 icon_colours[] = {
    0x3b82f6, 0xef4444, 0x10b981, 0xf59e0b, 0x8b5cf6, 0xec4899, 0x14b8a6,
    0x6b7280, 0xf97316, 0x0ea5e9,
  };

  make_glyphs (rand);
  /* wallpaper: a diagonal gradient */
  for (gint y = 0; y < c->h; y++)
    for (gint x = 0; x < c->w; x++)
      put (c, x, y, mix (0x1c3a6e, 0x5f9ccf, (x + 2.0 * y) /
              (c->w + 2.0 * c->h)));
  /* top bar with menus and a clock */
  fill (c, 0, 0, c->w, 28, 0x2d2d30);
  for (gint i = 0; i < 6; i++)
    draw_word (c, rand, 20 + i * 90, 8, 4 + i % 3, 0xe0e0e0);
  draw_word (c, rand, c->w - 140, 8, 12, 0xe0e0e0);

  /* editor: gutter with line numbers, coloured code, current line, a
   * scroll bar */
  draw_window (c, rand, 70, 70, 1180, 930, 0xffffff);
  fill (c, 71, 100, 52, 899, 0xf3f3f3);
  fill (c, 123, 100 + 18 * 12, 1110, 18, 0xfff8dc);
  for (gint l = 0; l < 49; l++)
    draw_word (c, rand, 80, 104 + l * 18, 1 + (l >= 9) + (l >= 99),
        0x9a9aa0);
  draw_text (c, rand, 135, 104, 1060, 49, 18, 0x24292e, 0x0b57d0, 4);
  fill (c, 1235, 100, 14, 899, 0xf0f0f0);
  fill (c, 1238, 180, 8, 260, 0xbcbcbc);

  /* file manager: sidebar, icon grid with labels, one selected, two
   * buttons in a vertical gradient */
  draw_window (c, rand, 1080, 170, 840, 640, 0xffffff);
  fill (c, 1081, 200, 180, 609, 0xececf0);
  fill (c, 1081, 220 + 24 * 3 - 5, 180, 22, 0xc4d8f6);
  draw_text (c, rand, 1100, 220, 140, 14, 24, 0x3c3c44, 0x3c3c44, 0);
  for (gint i = 0; i < 20; i++) {
    gint ix = 1300 + (i % 5) * 120, iy = 225 + (i / 5) * 125;

    if (i == 7)
      fill (c, ix - 14, iy - 8, 104, 110, 0xcfe0fa);
    fill (c, ix, iy + 6, 76, 56, icon_colours[i % 10]);
    fill (c, ix, iy, 30, 8, icon_colours[i % 10]);
    outline (c, ix, iy + 6, 76, 56, 0x505050);
    draw_word (c, rand, ix + 2, iy + 72, 9, 0x202020);
  }
  for (gint i = 0; i < 2; i++) {
    gint bx = 1660 + i * 124;

    gradient (c, bx, 760, 110, 32, 0xfafafa, 0xdcdce0, FALSE);
    outline (c, bx, 760, 110, 32, 0x9a9aa0);
    draw_word (c, rand, bx + 27, 770, 7, 0x202020);
  }

  /* terminal */
  draw_window (c, rand, 1300, 720, 660, 330, 0x1d1f21);
  draw_text (c, rand, 1312, 758, 630, 15, 18, 0xc5c8c6, 0x8ae234, 1);

  /* dock */
  fill (c, 560, c->h - 62, 900, 58, 0x26262a);
  outline (c, 560, c->h - 62, 900, 58, 0x48484e);
  for (gint i = 0; i < 14; i++) {
    fill (c, 580 + i * 62, c->h - 52, 40, 40, icon_colours[i % 10]);
    fill (c, 590 + i * 62, c->h - 42, 20, 20,
        icon_colours[(i + 3) % 10]);
  }
  g_rand_free (rand);
}

/* (c) SMPTE-like colour bars in the layout of videotestsrc pattern=smpte:
 * seven 75 % bars, the reversed strip, then -I, white, +Q, black and the
 * PLUGE bars. */
static void
draw_card (Canvas * c)
{
  static const guint32 top[7] = {
    0xbfbfbf, 0xbfbf00, 0x00bfbf, 0x00bf00, 0xbf00bf, 0xbf0000, 0x0000bf,
  };
  static const guint32 mid[7] = {
    0x0000bf, 0x131313, 0xbf00bf, 0x131313, 0x00bfbf, 0x131313, 0xbfbfbf,
  };
  static const guint32 low[7] = {
    0x00214c, 0xffffff, 0x32006a, 0x131313, 0x090909, 0x131313, 0x1d1d1d,
  };
  gint h1 = c->h * 2 / 3, h2 = c->h * 3 / 4;

  for (gint i = 0; i < 7; i++) {
    gint x0 = c->w * i / 7, x1 = c->w * (i + 1) / 7;

    fill (c, x0, 0, x1 - x0, h1, top[i]);
    fill (c, x0, h1, x1 - x0, h2 - h1, mid[i]);
  }
  /* bottom: four bars of 5/4 the width, then three PLUGE bars of 1/3 */
  for (gint i = 0; i < 4; i++) {
    gint x0 = c->w * i * 5 / 28, x1 = c->w * (i + 1) * 5 / 28;

    fill (c, x0, h2, x1 - x0, c->h - h2, low[i]);
  }
  for (gint i = 0; i < 3; i++) {
    gint x0 = c->w * 5 / 7 + c->w * i / 21;
    gint x1 = c->w * 5 / 7 + c->w * (i + 1) / 21;

    fill (c, x0, h2, x1 - x0, c->h - h2, low[4 + i]);
  }
  fill (c, c->w * 6 / 7, h2, c->w - c->w * 6 / 7, c->h - h2, 0x131313);
}

/* N_FRAMES windows of W x H over the canvas, in an order that jumps. */
static void
make_frames (Content * ct, void (*draw) (Canvas *))
{
  Canvas c = canvas_new ();

  draw (&c);
  for (gint i = 0; i < N_FRAMES; i++) {
    gint ox = i * (CANVAS_W - W) / (N_FRAMES - 1);
    gint oy = (i * 3 % N_FRAMES) * (CANVAS_H - H) / (N_FRAMES - 1);

    ct->frames[i] = g_malloc ((gsize) W * H * 3);
    ct->rows[i] = g_new (png_bytep, H);
    for (gint y = 0; y < H; y++) {
      ct->rows[i][y] = ct->frames[i] + (gsize) y * W * 3;
      memcpy (ct->rows[i][y], pixel (&c, ox, oy + y), (gsize) W * 3);
    }
  }
  g_free (c.p);
}

/* ---- encoding ---- */

typedef struct
{
  const gchar *name;
  gint mask;                    /* 0: libpng's default (adaptive, all five) */
} Filter;

typedef struct
{
  const gchar *name;
  gint value;
} Strategy;

static const Filter filters[] = {
  {"none", PNG_FILTER_NONE}, {"SUB", PNG_FILTER_SUB}, {"UP", PNG_FILTER_UP},
  {"AVG", PNG_FILTER_AVG}, {"PAETH", PNG_FILTER_PAETH}, {"all", 0},
};

static const Strategy strategies[] = {
  {"Z_DEFAULT_STRATEGY", Z_DEFAULT_STRATEGY}, {"Z_FILTERED", Z_FILTERED},
  {"Z_RLE", Z_RLE}, {"Z_HUFFMAN_ONLY", Z_HUFFMAN_ONLY},
};

#define N_FILTERS G_N_ELEMENTS (filters)
#define N_STRATEGIES G_N_ELEMENTS (strategies)
#define N_COMBOS (N_FILTERS * N_STRATEGIES)
#define CURRENT (1 * N_STRATEGIES + 2)  /* SUB + Z_RLE */

typedef struct
{
  gboolean zlib_only;           /* deflate the RGB bytes, no PNG */
  guint filter, strategy;       /* indices into filters[], strategies[] */
  gint mem_level;               /* 0: not set (libpng's default, 8) */
  gint window_bits;             /* 0: not set (libpng chooses) */
  /* results */
  gint64 *us;                   /* encode time per round */
  gsize bytes[N_FRAMES];
  gint header_window;           /* windowBits from the zlib stream header */
  double fps, avg_bytes;
} Job;

typedef struct
{
  guint8 *out;
  gsize size, len;
} Sink;

static guint8 *check_buf;       /* decoded PNG, for the check */

static void
sink_write (png_structp png, png_bytep data, png_size_t n)
{
  Sink *s = png_get_io_ptr (png);

  if (n > s->size - s->len)
    png_error (png, "output buffer too small");
  memcpy (s->out + s->len, data, n);
  s->len += n;
}

static void
sink_flush (png_structp png)
{
}

static gsize
encode_png (const Job * job, png_bytep * rows, Sink * sink)
{
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL,
      NULL, NULL);
  png_infop info = png ? png_create_info_struct (png) : NULL;

  if (!info)
    g_error ("libpng: out of memory");
  if (setjmp (png_jmpbuf (png)))
    g_error ("libpng failed");
  sink->len = 0;
  png_set_write_fn (png, sink, sink_write, sink_flush);
  png_set_compression_buffer_size (png, ZBUF_SIZE);
  png_set_compression_level (png, 1);
  if (filters[job->filter].mask)
    png_set_filter (png, PNG_FILTER_TYPE_BASE, filters[job->filter].mask);
  png_set_compression_strategy (png, strategies[job->strategy].value);
  if (job->mem_level)
    png_set_compression_mem_level (png, job->mem_level);
  if (job->window_bits)
    png_set_compression_window_bits (png, job->window_bits);
  png_set_IHDR (png, info, W, H, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
      PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info (png, info);
  png_write_image (png, rows);
  png_write_end (png, NULL);
  png_destroy_write_struct (&png, &info);
  return sink->len;
}

static gsize
encode_zlib (const Job * job, const guint8 * rgb, Sink * sink)
{
  z_stream z = { 0 };

  if (deflateInit2 (&z, 1, Z_DEFLATED, 15, 8,
          strategies[job->strategy].value) != Z_OK)
    g_error ("deflateInit2 failed");
  z.next_in = (Bytef *) rgb;
  z.avail_in = (uInt) W * H * 3;
  z.next_out = sink->out;
  z.avail_out = (uInt) sink->size;
  if (deflate (&z, Z_FINISH) != Z_STREAM_END)
    g_error ("deflate did not finish");
  sink->len = z.total_out;
  deflateEnd (&z);
  return sink->len;
}

static gsize
encode (const Job * job, const Content * ct, gint frame, Sink * sink)
{
  if (job->zlib_only)
    return encode_zlib (job, ct->frames[frame], sink);
  return encode_png (job, ct->rows[frame], sink);
}

/* Decodes @sink's PNG (or inflates its zlib stream) and compares it with
 * @frame; notes the stream's window size. */
static void
check_output (Job * job, const Content * ct, gint frame, const Sink * sink)
{
  const guint8 *zhdr = sink->out;

  if (job->zlib_only) {
    uLongf n = (uLongf) W * H * 3;

    if (uncompress (check_buf, &n, sink->out, sink->len) != Z_OK ||
        n != (uLongf) W * H * 3)
      g_error ("zlib reference does not inflate");
  } else {
    png_image im = { 0 };

    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory (&im, sink->out, sink->len))
      g_error ("libpng cannot read its output: %s", im.message);
    im.format = PNG_FORMAT_RGB;
    if (im.width != W || im.height != H ||
        !png_image_finish_read (&im, NULL, check_buf, W * 3, NULL))
      g_error ("libpng cannot decode its output: %s", im.message);
    /* signature 8, IHDR 25, then the first IDAT's length and type */
    zhdr = sink->out + 8 + 25 + 8;
  }
  if (memcmp (check_buf, ct->frames[frame], (gsize) W * H * 3) != 0)
    g_error ("%s: output differs from the frame", ct->name);
  job->header_window = (zhdr[0] >> 4) + 8;
}

static int
cmp_gint64 (const void *a, const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* Every job encodes frame 0 once, untimed and checked; then @rounds
 * rounds in which every job encodes the round's frame once. */
static void
run_jobs (const Content * ct, Job * jobs, guint n_jobs, guint rounds,
    Sink * sink)
{
  for (guint j = 0; j < n_jobs; j++) {
    encode (&jobs[j], ct, 0, sink);
    check_output (&jobs[j], ct, 0, sink);
    jobs[j].us = g_new (gint64, rounds);
  }
  for (guint r = 0; r < rounds; r++) {
    gint frame = r % N_FRAMES;

    for (guint j = 0; j < n_jobs; j++) {
      gint64 t0 = g_get_monotonic_time ();

      jobs[j].bytes[frame] = encode (&jobs[j], ct, frame, sink);
      jobs[j].us[r] = g_get_monotonic_time () - t0;
    }
  }
  for (guint j = 0; j < n_jobs; j++) {
    double median;

    qsort (jobs[j].us, rounds, sizeof (gint64), cmp_gint64);
    median = rounds % 2 ? jobs[j].us[rounds / 2] :
        (jobs[j].us[rounds / 2 - 1] + jobs[j].us[rounds / 2]) / 2.0;
    jobs[j].fps = 1e6 / median;
    jobs[j].avg_bytes = 0;
    for (gint f = 0; f < N_FRAMES; f++)
      jobs[j].avg_bytes += jobs[j].bytes[f] / (double) N_FRAMES;
    g_clear_pointer (&jobs[j].us, g_free);
  }
}

/* ---- report ---- */

static const Job *sort_jobs;

static int
cmp_fps (const void *a, const void *b)
{
  double x = sort_jobs[*(const guint *) a].fps;
  double y = sort_jobs[*(const guint *) b].fps;

  return x > y ? -1 : x < y;
}

static void
sort_by_fps (const Job * jobs, guint n, guint * order)
{
  for (guint i = 0; i < n; i++)
    order[i] = i;
  sort_jobs = jobs;
  qsort (order, n, sizeof (guint), cmp_fps);
}

static gchar *
job_name (const Job * job)
{
  GString *s = g_string_new (NULL);

  if (job->zlib_only)
    g_string_append (s, "zlib alone");
  else
    g_string_append (s, filters[job->filter].name);
  g_string_append_printf (s, " + %s", strategies[job->strategy].name);
  if (job->mem_level)
    g_string_append_printf (s, ", memLevel %d", job->mem_level);
  if (job->window_bits)
    g_string_append_printf (s, ", windowBits %d", job->window_bits);
  return g_string_free (s, FALSE);
}

static void
print_job (const Job * job, const Job * cur, const gchar * note)
{
  gchar *name = job_name (job);

  printf ("  %-52s %6.1f fps %8.0f B/frame %+7.1f%% bytes %5.2fx fps%s\n",
      name, job->fps, job->avg_bytes,
      100 * (job->avg_bytes / cur->avg_bytes - 1), job->fps / cur->fps,
      note);
  g_free (name);
}

/* Share of zero bytes in the rows after the SUB and after the UP filter,
 * over all frames: the runs and matches zlib can find. */
static void
zero_shares (const Content * ct, double *sub, double *up)
{
  guint64 zs = 0, zu = 0;

  for (gint f = 0; f < N_FRAMES; f++) {
    for (gint y = 0; y < H; y++) {
      const guint8 *row = ct->rows[f][y];
      const guint8 *above = y > 0 ? ct->rows[f][y - 1] : NULL;

      for (gint x = 0; x < W * 3; x++) {
        zs += row[x] == (x >= 3 ? row[x - 3] : 0);
        zu += row[x] == (above ? above[x] : 0);
      }
    }
  }
  *sub = 100.0 * zs / ((double) N_FRAMES * W * H * 3);
  *up = 100.0 * zu / ((double) N_FRAMES * W * H * 3);
}

/* Per content: the 24 combinations; then, in a second set of rounds, the
 * current choice again, memLevel / windowBits for the two fastest
 * (distinct) combinations within SIZE_SLACK of its bytes, and zlib alone. */
static void
bench_content (Content * ct, guint rounds, Sink * sink, Job * combos)
{
  Job extra[1 + 8 + N_STRATEGIES];
  guint order[N_COMBOS], picked[2], n_picked = 0, n_extra = 0;
  const Job *cur = &combos[CURRENT];
  gint64 t0 = g_get_monotonic_time ();
  double zero_sub, zero_up;

  memset (combos, 0, sizeof (Job) * N_COMBOS);
  for (guint f = 0; f < N_FILTERS; f++) {
    for (guint s = 0; s < N_STRATEGIES; s++) {
      combos[f * N_STRATEGIES + s].filter = f;
      combos[f * N_STRATEGIES + s].strategy = s;
    }
  }
  run_jobs (ct, combos, N_COMBOS, rounds, sink);

  zero_shares (ct, &zero_sub, &zero_up);
  printf ("\n(%s) %s\n", ct->name, ct->what);
  printf ("  zero bytes after filtering: SUB %.1f %%, UP %.1f %%\n",
      zero_sub, zero_up);
  printf ("  %-80s vs current\n", "filter + strategy, by fps");
  sort_by_fps (combos, N_COMBOS, order);
  for (guint i = 0; i < N_COMBOS; i++)
    print_job (&combos[order[i]], cur, order[i] == CURRENT ?
        "   <- current (OpenCV's)" : "");

  /* Z_FILTERED only changes deflate_slow (levels 4-9): at level 1 it
   * writes the same bytes as Z_DEFAULT_STRATEGY; take one of such a pair */
  for (guint i = 0; i < N_COMBOS && n_picked < 2; i++) {
    const Job *c = &combos[order[i]];

    if (c->avg_bytes > cur->avg_bytes * SIZE_SLACK)
      continue;
    if (n_picked == 1 && c->filter == combos[picked[0]].filter &&
        c->avg_bytes == combos[picked[0]].avg_bytes)
      continue;
    picked[n_picked++] = order[i];
  }
  extra[n_extra++] = *cur;
  for (guint p = 0; p < n_picked; p++) {
    for (gint v = 0; v < 4; v++) {
      extra[n_extra] = combos[picked[p]];
      extra[n_extra].mem_level = v & 1 ? 9 : 8;
      extra[n_extra].window_bits = v & 2 ? 15 : 0;
      n_extra++;
    }
  }
  for (guint s = 0; s < N_STRATEGIES; s++, n_extra++) {
    memset (&extra[n_extra], 0, sizeof (Job));
    extra[n_extra].zlib_only = TRUE;
    extra[n_extra].strategy = s;
  }
  run_jobs (ct, extra, n_extra, rounds, sink);

  printf ("  second set of rounds: the current choice again, zlib memory "
      "for the two fastest at most %+.0f%% bytes (memLevel 8 is libpng's "
      "default; wb: windowBits in the stream's header):\n",
      100 * (SIZE_SLACK - 1));
  print_job (&extra[0], &extra[0], "   <- current, this set's reference");
  for (guint i = 1; i < n_extra - N_STRATEGIES; i++) {
    gchar *note = g_strdup_printf ("   wb %d", extra[i].header_window);

    print_job (&extra[i], &extra[0], note);
    g_free (note);
  }
  printf ("  reference, zlib deflate level 1 alone on the unfiltered RGB "
      "bytes (memLevel 8, windowBits 15), same set:\n");
  for (guint i = n_extra - N_STRATEGIES; i < n_extra; i++)
    print_job (&extra[i], &extra[0], "");
  printf ("  (%.0f s)\n", (g_get_monotonic_time () - t0) / 1e6);
}

int
main (int argc, char **argv)
{
  guint rounds = argc > 1 ? (guint) atoi (argv[1]) : DEFAULT_ROUNDS;
  Content contents[3] = {
    {"a", "photo: generated photo-like scene (smooth shading, +-9 grain, "
          "hard-edged shapes)"},
    {"b", "screen: generated screen capture (flat windows, anti-aliased "
          "text-like glyphs, icons, gradients)"},
    {"c", "card: SMPTE-like colour bars (videotestsrc pattern=smpte "
          "layout)"},
  };
  void (*draw[3]) (Canvas *) = { draw_photo, draw_screen, draw_card };
  Job combos[3][N_COMBOS];
  Sink sink;
  gint64 t0 = g_get_monotonic_time ();

  if (rounds < N_FRAMES || argc > 2) {
    fprintf (stderr, "usage: bench-png-level1 [rounds >= %d]\n", N_FRAMES);
    return 2;
  }
  for (guint i = 0; i < 3; i++)
    make_frames (&contents[i], draw[i]);
  sink.size = (gsize) W * H * 3 + H + (1 << 20);
  sink.out = g_malloc (sink.size);
  check_buf = g_malloc ((gsize) W * H * 3);

  printf ("PNG compression level 1, 1920x1080 RGB, libpng %s, zlib %s: "
      "%d frames per content panned from a %dx%d canvas, %u rounds (fps "
      "from the median encode time), every configuration once per round; "
      "bytes: average over the frames. 256 KiB zlib buffer, a new "
      "png_struct per image. Current choice: SUB + Z_RLE.\n",
      png_libpng_ver, zlibVersion (), N_FRAMES, CANVAS_W, CANVAS_H, rounds);
  for (guint i = 0; i < 3; i++)
    bench_content (&contents[i], rounds, &sink, combos[i]);

  printf ("\nAll contents, by fps on the photo; bytes: against the current "
      "choice on the same content:\n");
  printf ("  %-28s %-16s%-16s%-16s\n", "", " photo", " screen", " card");
  printf ("  %-28s", "");
  for (guint c = 0; c < 3; c++)
    printf (" %6s %8s", "fps", "bytes");
  printf ("\n");
  {
    guint order[N_COMBOS];

    sort_by_fps (combos[0], N_COMBOS, order);
    for (guint i = 0; i < N_COMBOS; i++) {
      guint k = order[i];
      gchar *name = job_name (&combos[0][k]);

      printf ("  %-28s", name);
      for (guint c = 0; c < 3; c++)
        printf (" %6.1f %+7.1f%%", combos[c][k].fps,
            100 * (combos[c][k].avg_bytes / combos[c][CURRENT].avg_bytes -
                1));
      printf ("%s\n", k == CURRENT ? "  <- current" : "");
      g_free (name);
    }
  }
  printf ("  current choice's bytes per frame: photo %.0f, screen %.0f, "
      "card %.0f\n", combos[0][CURRENT].avg_bytes,
      combos[1][CURRENT].avg_bytes, combos[2][CURRENT].avg_bytes);
  printf ("total %.0f s\n", (g_get_monotonic_time () - t0) / 1e6);

  for (guint i = 0; i < 3; i++) {
    for (gint f = 0; f < N_FRAMES; f++) {
      g_free (contents[i].frames[f]);
      g_free (contents[i].rows[f]);
    }
  }
  g_free (sink.out);
  g_free (check_buf);
  return 0;
}
