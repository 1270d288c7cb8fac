/* gst-imencode: libFuzzer target driving the imencode element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * How it is built and what it shares: fuzz-gst.h. The input is a header,
 * then operations until the input (or MAX_OPS) ends; a byte read past
 * the end is 0.
 *
 * Header, 6 bytes:
 * - 0: the input format, among imencode's sink formats;
 * - 1, 2: width and height (input_size(): 1..64, odd ones among them, or
 *   one of a few sizes at and beyond JPEG's limit or larger than any
 *   buffer made here);
 * - 3: framerate (bits 0-2), pixel aspect ratio (3-5), interlace mode
 *   (6-7);
 * - 4: downstream caps (sink_caps[]; the slow one for one value only);
 * - 5: threads (bits 0-1: 1..3), colorimetry (2-4), bit 7: no EOS at
 *   the end (teardown with frames in flight).
 *
 * Operations, one byte (op_kind()) and their arguments:
 * - frame: a buffer of the exact size, one too short, or one with an
 *   honest or a fuzzed GstVideoMeta (offsets, strides, size, format,
 *   planes), in one or two memories, with fuzzed PTS and duration,
 *   DISCONT, INTERLACED and TFF flags, a reference timestamp, and up to
 *   MAX_REGIONS GstVideoRegionOfInterestMetas with fuzzed boxes, ids,
 *   types and "detection" / "object_id" parameters (of wrong types too);
 * - property: any of imencode's properties, between frames;
 * - flush, segment (rates, starts, stops, formats), new input caps (as
 *   the header), new downstream caps, snapshot requests, EOS, gap / tag /
 *   custom / stream-start events, a state cycle through READY.
 *
 * Output sizes stay small so that runs stay fast: the sizes asked for are
 * at most 96 a side, or a side at a format's limit (65500, 65501,
 * 1000000) with the other side 1..4, or a side beyond every limit
 * (1000001 and more), which imencode must refuse before allocating
 * anything (the target runs with -malloc_limit_mb). The input frames are
 * at most 1 MiB; larger caps only get buffers that are too short.
 *
 * What must hold, besides no crash, no sanitizer report, no GLib critical
 * or warning, no leaked element, and no leak at all (tests/meson.build
 * runs it with LeakSanitizer and G_SLICE=always-malloc):
 * - every caps event imencode sends is inside its source template;
 * - every output buffer is one complete image of the caps it goes with:
 *   a JPEG that libjpeg-turbo decodes without a warning, a PNG with its
 *   signature, IHDR and IEND, their base64 text (with the data URI prefix
 *   the caps say), or one line of valid JSON with the image inside; its
 *   size that of the caps (whole-frame mode) or of the event;
 * - its ImencodeMeta rectangle lies inside the frame it names;
 * - its PTS is the PTS of the frame it came from (the frame's index rides
 *   in the DTS), and outputs come in input order unless roi-select=best
 *   was used (a best view goes out when its track ends);
 * - a push returns OK, or EOS after EOS, or NOT_NEGOTIATED when the caps
 *   up- or downstream could be refused; no error is posted otherwise.
 *
 * Reproduce a crash with: build/tests/fuzz-imencode crash-<sha1>
 * (FUZZ_IMENCODE_TRACE=1 prints the caps, properties, frames and outputs
 * as they go).
 */

#include <gst/video/video.h>
#include <math.h>
#include <string.h>
#include <turbojpeg.h>

#include "fuzz-gst.h"
#include "gstimencodemeta.h"
#include "gstimvideo.h"

#define MAX_OPS 48
#define MAX_FRAMES 32
#define MAX_REGIONS 6
#define MAX_BUFFER_BYTES (1 << 20)
#define SMALL_SIZE_MAX 96

/* imencode's sink formats, from its caps (filled once) */
static GstVideoFormat sink_formats[32];
static guint n_sink_formats;

static GstCaps *src_template;

/* FUZZ_IMENCODE_TRACE=1 prints what an input does (to triage findings) */
static gboolean trace;

#define TRACE(...) \
  do { \
    if (trace) \
      fprintf (stderr, __VA_ARGS__); \
  } while (0)

static const char *const sink_caps[] = {
  "ANY", "image/jpeg", "image/png", "application/x-base64",
  "application/x-base64,data-uri=(boolean)true", "application/x-json",
  "image/jpeg,width=16,height=12", "image/png,width=[1,40],height=[1,40]",
  "application/x-base64,content-type=image/png,width=7,height=5",
  "video/x-raw", "image/jpeg;application/x-json,content-type=image/png",
  "image/png,framerate=0/1", "image/png,width=1000000,height=1",
  "image/jpeg,width=65500,height=2",
  "application/x-json,content-type=image/jpeg", "image/jpeg,width=[1,8]",
};

static const gint framerates[][2] = {
  {0, 1}, {30, 1}, {25, 1}, {30000, 1001}, {1, 1}, {G_MAXINT, 1},
  {1, G_MAXINT}, {120, 1},
};

static const gint pars[][2] = {
  {1, 1}, {1, 1}, {2, 1}, {1, 2}, {4, 3}, {16, 11}, {G_MAXINT, 1},
  {1, G_MAXINT},
};

static const char *const interlace_modes[] = {
  "progressive", "progressive", "interleaved", "mixed",
};

static const char *const colorimetries[] = {
  NULL, "bt601", "bt709", "bt2020", "sRGB", "1:4:0:0", "2:0:0:0",
  "1:1:5:1",
};

/* region types: plain, empty, JSON's special characters, not UTF-8 */
static const char *const roi_types[] = {
  "person", "car", "", "a\"b\\c\n\t\x01", "\xff\xfe\xc3", "person ",
  "*", "caf\xc3\xa9",
};

static const char *const roi_type_props[] = {
  NULL, "*", "person", "person,car", " car , person ", ",", "", "dog",
  "a\"b\\c\n\t\x01,\xff\xfe\xc3", "*,person",
};

/* A side imencode may be asked for: small, or at a limit (the other side
 * then made 1..4), or beyond every limit. */
static const guint large_sides[] = {
  65500, 65501, 1000000, 1000001, 50000000, 1u << 28, G_MAXINT,
  (guint) G_MAXINT + 1, G_MAXUINT,
};

#define N_LIMIT_SIDES 3         /* the first ones above: may be encoded */

static const guint crop_values[] = {
  0, 1, 2, 3, 7, 8, 31, 63, 64, 65, 1000, G_MAXINT, G_MAXUINT - 1,
  G_MAXUINT,
};

static const guint region_coords[] = {
  G_MAXUINT, G_MAXINT, (guint) G_MAXINT + 1, 1u << 20, 65536, 65500,
  (guint) - 2, 300,
};

typedef struct
{
  const guint8 *data;
  gsize size;
} FuzzReader;

static guint8
take_u8 (FuzzReader * in)
{
  guint8 v;

  if (in->size == 0)
    return 0;
  v = in->data[0];
  in->data++;
  in->size--;
  return v;
}

static guint32
take_u32 (FuzzReader * in)
{
  guint32 v = 0;

  for (guint i = 0; i < 4; i++)
    v = v << 8 | take_u8 (in);
  return v;
}

typedef struct
{
  GstHarness *hr;
  GstElement *enc;
  GstBus *bus;

  /* the input caps as last sent */
  gboolean caps_valid;          /* gst_video_info_from_caps() takes them */
  GstVideoInfo info;

  /* outcomes allowed */
  gboolean may_refuse;          /* caps that imencode may refuse were sent */
  gboolean eos;                 /* EOS sent, no flush since */
  gboolean best_used;           /* roi-select=best was set */

  /* the sizes asked for, kept small (set_size()) */
  guint prop_width, prop_height;

  /* frames pushed: their PTS by index (the DTS carries the index) */
  GstClockTime pts[MAX_FRAMES];
  gint n_frames;
  GstClockTime next_pts;

  /* the last output's frame index, for the order check (finishing
   * thread: one at a time) */
  gint last_index;
} FuzzState;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  GstCaps *caps;
  const GValue *list;

  fuzz_gst_init ();
  trace = g_getenv ("FUZZ_IMENCODE_TRACE") != NULL;
  CHECK (gst_imencode_meta_register ());
  CHECK (GST_ELEMENT_REGISTER (imencode, NULL));

  caps = gst_caps_from_string ("video/x-raw,format=(string)"
      GST_IM_VIDEO_SINK_FORMATS);
  list = gst_structure_get_value (gst_caps_get_structure (caps, 0), "format");
  CHECK (GST_VALUE_HOLDS_LIST (list));
  for (guint i = 0; i < gst_value_list_get_size (list) &&
      n_sink_formats < G_N_ELEMENTS (sink_formats); i++)
    sink_formats[n_sink_formats++] = gst_video_format_from_string
        (g_value_get_string (gst_value_list_get_value (list, i)));
  gst_caps_unref (caps);
  CHECK (n_sink_formats > 0);

  {
    GstElementFactory *f = gst_element_factory_find ("imencode");
    const GList *l;

    CHECK (f != NULL);
    for (l = gst_element_factory_get_static_pad_templates (f); l; l = l->next) {
      GstStaticPadTemplate *t = l->data;

      if (t->direction == GST_PAD_SRC)
        src_template = gst_static_caps_get (&t->static_caps);
    }
    gst_object_unref (f);
    CHECK (src_template != NULL);
  }
  return 0;
}

/* ---- checking what comes out ---- */

/* A minimal JSON (RFC 8259) syntax check: the value at *@p, moving past
 * it; strings must be valid UTF-8 without raw control characters. */
static gboolean json_value (const gchar ** p, const gchar * end, guint depth);

static void
json_space (const gchar ** p, const gchar * end)
{
  while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' ||
          **p == '\r'))
    (*p)++;
}

static gboolean
json_string (const gchar ** p, const gchar * end)
{
  const gchar *start;

  if (*p >= end || **p != '"')
    return FALSE;
  start = ++(*p);
  while (*p < end && **p != '"') {
    guchar c = **p;

    if (c < 0x20)
      return FALSE;
    if (c == '\\') {
      (*p)++;
      if (*p >= end)
        return FALSE;
      if (**p == 'u') {
        for (guint i = 0; i < 4; i++) {
          (*p)++;
          if (*p >= end || !g_ascii_isxdigit (**p))
            return FALSE;
        }
      } else if (!strchr ("\"\\/bfnrt", **p)) {
        return FALSE;
      }
    }
    (*p)++;
  }
  if (*p >= end || !g_utf8_validate (start, *p - start, NULL))
    return FALSE;
  (*p)++;
  return TRUE;
}

static gboolean
json_number (const gchar ** p, const gchar * end)
{
  const gchar *s = *p;

  if (*p < end && **p == '-')
    (*p)++;
  if (*p >= end || !g_ascii_isdigit (**p))
    return FALSE;
  if (**p == '0')
    (*p)++;
  else
    while (*p < end && g_ascii_isdigit (**p))
      (*p)++;
  if (*p < end && **p == '.') {
    (*p)++;
    if (*p >= end || !g_ascii_isdigit (**p))
      return FALSE;
    while (*p < end && g_ascii_isdigit (**p))
      (*p)++;
  }
  if (*p < end && (**p == 'e' || **p == 'E')) {
    (*p)++;
    if (*p < end && (**p == '+' || **p == '-'))
      (*p)++;
    if (*p >= end || !g_ascii_isdigit (**p))
      return FALSE;
    while (*p < end && g_ascii_isdigit (**p))
      (*p)++;
  }
  return *p > s;
}

static gboolean
json_literal (const gchar ** p, const gchar * end, const gchar * word)
{
  gsize n = strlen (word);

  if ((gsize) (end - *p) < n || strncmp (*p, word, n) != 0)
    return FALSE;
  *p += n;
  return TRUE;
}

static gboolean
json_value (const gchar ** p, const gchar * end, guint depth)
{
  gchar open, close;

  json_space (p, end);
  if (*p >= end || depth > 16)
    return FALSE;
  switch (**p) {
    case '"':
      return json_string (p, end);
    case 't':
      return json_literal (p, end, "true");
    case 'f':
      return json_literal (p, end, "false");
    case 'n':
      return json_literal (p, end, "null");
    case '{':
    case '[':
      break;
    default:
      return json_number (p, end);
  }
  open = **p;
  close = open == '{' ? '}' : ']';
  (*p)++;
  json_space (p, end);
  if (*p < end && **p == close) {
    (*p)++;
    return TRUE;
  }
  for (;;) {
    if (open == '{') {
      json_space (p, end);
      if (!json_string (p, end))
        return FALSE;
      json_space (p, end);
      if (*p >= end || **p != ':')
        return FALSE;
      (*p)++;
    }
    if (!json_value (p, end, depth + 1))
      return FALSE;
    json_space (p, end);
    if (*p >= end)
      return FALSE;
    if (**p == close) {
      (*p)++;
      return TRUE;
    }
    if (**p != ',')
      return FALSE;
    (*p)++;
  }
}

/* Checks that @data is one complete JPEG (decoded by libjpeg-turbo, no
 * warning) or PNG (signature, IHDR, IEND); gives its size. */
static void
check_image (const guint8 * data, gsize size, gboolean png, gint * width,
    gint * height)
{
  static const guint8 png_sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a,
    '\n'
  };
  static const guint8 png_end[12] = { 0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae,
    0x42, 0x60, 0x82
  };

  if (png) {
    CHECK (size >= 8 + 25 + 12);
    CHECK (memcmp (data, png_sig, 8) == 0);
    CHECK (memcmp (data + 12, "IHDR", 4) == 0);
    *width = GST_READ_UINT32_BE (data + 16);
    *height = GST_READ_UINT32_BE (data + 20);
    CHECK (memcmp (data + size - 12, png_end, 12) == 0);
  } else {
    tjhandle tj = tjInitDecompress ();
    int samp, cs;
    guint8 *pixels;

    CHECK (tj != NULL);
    CHECK (size > 4 && data[0] == 0xff && data[1] == 0xd8);
    CHECK (data[size - 2] == 0xff && data[size - 1] == 0xd9);
    CHECK (tjDecompressHeader3 (tj, data, size, width, height, &samp,
            &cs) == 0);
    CHECK (*width > 0 && *height > 0);
    pixels = g_malloc ((gsize) * width * *height);
    CHECK (tjDecompress2 (tj, data, size, pixels, *width, 0, *height,
            TJPF_GRAY, TJFLAG_STOPONWARNING) == 0);
    g_free (pixels);
    tjDestroy (tj);
  }
  CHECK (*width > 0 && *height > 0);
}

/* Decodes base64 text of @len bytes at @text, which must hold only the
 * standard alphabet with its padding. */
static guint8 *
check_base64 (const gchar * text, gsize len, gsize * out_len)
{
  gchar *copy;
  guint8 *raw;

  CHECK (len > 0 && len % 4 == 0);
  for (gsize i = 0; i < len; i++)
    CHECK (g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '/' ||
        (text[i] == '=' && i >= len - 2));
  copy = g_strndup (text, len);
  raw = g_base64_decode (copy, out_len);
  g_free (copy);
  return raw;
}

/* Checks a JSON event (one line, valid JSON, the image inside it). */
static void
check_event (const gchar * text, gsize len, const gchar * content_type)
{
  static const gchar image_key[] = "\"image\":{\"mime_type\":\"";
  const gchar *p = text, *img, *data, *data_end;
  gchar *copy, mime[32];
  guint w = 0, h = 0;
  gint iw, ih;
  guint8 *raw;
  gsize raw_len;

  CHECK (len > 8 && text[len - 1] == '\n');
  CHECK (memchr (text, '\n', len - 1) == NULL);
  CHECK (memchr (text, '\0', len) == NULL);
  CHECK (g_str_has_prefix (text, "{\"pts\":"));
  CHECK (json_value (&p, text + len - 1, 0));
  CHECK (p == text + len - 1);

  /* the image is the last member */
  copy = g_strndup (text, len);
  img = g_strrstr (copy, image_key);
  CHECK (img != NULL);
  CHECK (sscanf (img + strlen (image_key), "%31[^\"]\",\"width\":%u,"
          "\"height\":%u", mime, &w, &h) == 3);
  CHECK (g_strcmp0 (mime, content_type) == 0);
  data = strstr (img, "\"data\":\"");
  CHECK (data != NULL);
  data += strlen ("\"data\":\"");
  data_end = strchr (data, '"');
  CHECK (data_end != NULL);
  CHECK (strcmp (data_end, "\"}}\n") == 0);
  raw = check_base64 (data, data_end - data, &raw_len);
  check_image (raw, raw_len, strcmp (mime, "image/png") == 0, &iw, &ih);
  CHECK ((guint) iw == w && (guint) ih == h);
  g_free (raw);
  g_free (copy);
}

static void
check_meta (GstBuffer * out)
{
  GstCustomMeta *meta = gst_buffer_get_custom_meta (out,
      GST_IMENCODE_META_NAME);
  const GstStructure *s;
  gint x, y, w, h, fw, fh;

  CHECK (meta != NULL);
  s = gst_custom_meta_get_structure (meta);
  CHECK (gst_structure_get (s, "x", G_TYPE_INT, &x, "y", G_TYPE_INT, &y,
          "width", G_TYPE_INT, &w, "height", G_TYPE_INT, &h, "frame-width",
          G_TYPE_INT, &fw, "frame-height", G_TYPE_INT, &fh, NULL));
  CHECK (x >= 0 && y >= 0 && w > 0 && h > 0);
  CHECK ((gint64) x + w <= fw && (gint64) y + h <= fh);
}

static void
check_output (FuzzState * st, GstPad * pad, GstBuffer * out)
{
  GstCaps *caps = gst_pad_get_current_caps (pad);
  const GstStructure *s;
  const gchar *name, *content;
  GstMapInfo map;
  gint cw = 0, ch = 0, iw = 0, ih = 0, index;

  CHECK (caps != NULL);
  s = gst_caps_get_structure (caps, 0);
  name = gst_structure_get_name (s);
  gst_structure_get_int (s, "width", &cw);
  gst_structure_get_int (s, "height", &ch);
  content = gst_structure_get_string (s, "content-type");

  CHECK (gst_buffer_map (out, &map, GST_MAP_READ));
  if (strcmp (name, "application/x-json") == 0) {
    CHECK (content != NULL);
    check_event ((const gchar *) map.data, map.size, content);
  } else if (strcmp (name, "application/x-base64") == 0) {
    gboolean uri = FALSE;
    gchar *prefix = NULL;
    gsize skip = 0, raw_len;
    guint8 *raw;

    CHECK (content != NULL);
    CHECK (gst_structure_get_boolean (s, "data-uri", &uri));
    if (uri) {
      prefix = g_strdup_printf ("data:%s;base64,", content);
      skip = strlen (prefix);
      CHECK (map.size > skip && memcmp (map.data, prefix, skip) == 0);
      g_free (prefix);
    }
    raw = check_base64 ((const gchar *) map.data + skip, map.size - skip,
        &raw_len);
    check_image (raw, raw_len, strcmp (content, "image/png") == 0, &iw, &ih);
    g_free (raw);
  } else {
    CHECK (strcmp (name, "image/jpeg") == 0 ||
        strcmp (name, "image/png") == 0);
    check_image (map.data, map.size, strcmp (name, "image/png") == 0, &iw,
        &ih);
  }
  gst_buffer_unmap (out, &map);
  /* whole-frame mode: the caps' size */
  if (cw > 0)
    CHECK (iw == cw && ih == ch);
  gst_caps_unref (caps);

  check_meta (out);
  index = (gint) GST_BUFFER_DTS (out);
  TRACE ("  out: frame %d, %" G_GSIZE_FORMAT " bytes, %dx%d, %s\n", index,
      gst_buffer_get_size (out), iw, ih, name);
  CHECK (index >= 0 && index < g_atomic_int_get (&st->n_frames));
  CHECK (GST_BUFFER_PTS (out) == st->pts[index]);
  if (!g_atomic_int_get (&st->best_used))
    CHECK (index >= st->last_index);
  st->last_index = index;
}

static GstPadProbeReturn
probe_src (GstPad * pad, GstPadProbeInfo * pi, gpointer user_data)
{
  FuzzState *st = user_data;

  if (pi->type & GST_PAD_PROBE_TYPE_BUFFER) {
    check_output (st, pad, GST_PAD_PROBE_INFO_BUFFER (pi));
  } else if (pi->type & GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM) {
    GstEvent *ev = GST_PAD_PROBE_INFO_EVENT (pi);

    if (GST_EVENT_TYPE (ev) == GST_EVENT_CAPS) {
      GstCaps *caps;

      gst_event_parse_caps (ev, &caps);
      if (trace) {
        gchar *str = gst_caps_to_string (caps);

        TRACE ("  src caps %s\n", str);
        g_free (str);
      }
      CHECK (gst_caps_is_fixed (caps));
      CHECK (gst_caps_is_subset (caps, src_template));
    }
  }
  return GST_PAD_PROBE_OK;
}

/* ---- driving ---- */

static void
drop_outputs (FuzzState * st)
{
  GstBuffer *out;
  GstEvent *ev;

  while ((out = gst_harness_try_pull (st->hr)))
    gst_buffer_unref (out);
  while ((ev = gst_harness_try_pull_event (st->hr)))
    gst_event_unref (ev);
  while ((ev = gst_harness_try_pull_upstream_event (st->hr)))
    gst_event_unref (ev);
}

static void
check_flow (FuzzState * st, GstFlowReturn ret)
{
  CHECK (ret == GST_FLOW_OK || (ret == GST_FLOW_EOS && st->eos) ||
      (ret == GST_FLOW_NOT_NEGOTIATED && st->may_refuse));
}

static void
push_segment (FuzzState * st, const GstSegment * seg)
{
  /* refused after EOS only */
  CHECK (gst_harness_push_event (st->hr, gst_event_new_segment (seg)) ||
      st->eos || st->may_refuse);
}

static void
push_time_segment (FuzzState * st)
{
  GstSegment seg;

  gst_segment_init (&seg, GST_FORMAT_TIME);
  push_segment (st, &seg);
}

static void
flush (FuzzState * st, gboolean reset_time)
{
  CHECK (gst_harness_push_event (st->hr, gst_event_new_flush_start ()));
  CHECK (gst_harness_push_event (st->hr,
          gst_event_new_flush_stop (reset_time)));
  st->eos = FALSE;
}

static guint
input_size (guint8 code)
{
  static const guint large[] = { 65500, 65501, 65536, 100000, 1u << 24,
    G_MAXINT / 4, 3, 5
  };

  if (code < 256 - G_N_ELEMENTS (large))
    return 1 + code % 64;
  return large[code - (256 - G_N_ELEMENTS (large))];
}

/* Sends input caps made from the 3 bytes at @in (a header's bytes 0-3
 * and 5's colorimetry bits). */
static void
send_input_caps (FuzzState * st, FuzzReader * in)
{
  GstVideoFormat format = sink_formats[take_u8 (in) % n_sink_formats];
  guint8 wc = take_u8 (in), hc = take_u8 (in), shape = take_u8 (in);
  guint8 extra = take_u8 (in);
  guint width = input_size (wc), height = input_size (hc);
  const gchar *colorimetry = colorimetries[(extra >> 2) & 7];
  GstCaps *caps;
  GstPad *sinkpad;
  GstEvent *segment;
  gboolean ok;

  /* a large side comes with a small other side, unless both are large */
  if (width > 64 && height <= 64)
    height = 1 + hc % 4;
  else if (height > 64 && width <= 64)
    width = 1 + wc % 4;
  caps = gst_caps_new_simple ("video/x-raw",
      "format", G_TYPE_STRING, gst_video_format_to_string (format),
      "width", G_TYPE_INT, (gint) MIN (width, G_MAXINT),
      "height", G_TYPE_INT, (gint) MIN (height, G_MAXINT),
      "framerate", GST_TYPE_FRACTION, framerates[shape & 7][0],
      framerates[shape & 7][1],
      "pixel-aspect-ratio", GST_TYPE_FRACTION, pars[(shape >> 3) & 7][0],
      pars[(shape >> 3) & 7][1],
      "interlace-mode", G_TYPE_STRING, interlace_modes[shape >> 6], NULL);
  if (colorimetry)
    gst_caps_set_simple (caps, "colorimetry", G_TYPE_STRING, colorimetry,
        NULL);

  if (trace) {
    gchar *str = gst_caps_to_string (caps);

    TRACE ("caps %s\n", str);
    g_free (str);
  }
  st->caps_valid = gst_video_info_from_caps (&st->info, caps);
  if (!st->caps_valid)
    st->may_refuse = TRUE;
  /* caps after a segment are misordered unless there were caps before
   * (refused caps are not kept): a flush clears the segment */
  sinkpad = gst_element_get_static_pad (st->enc, "sink");
  segment = gst_pad_get_sticky_event (sinkpad, GST_EVENT_SEGMENT, 0);
  if (segment && !gst_pad_has_current_caps (sinkpad) && !st->eos)
    flush (st, TRUE);
  gst_clear_event (&segment);
  gst_object_unref (sinkpad);
  ok = gst_harness_push_event (st->hr, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  CHECK (ok || st->may_refuse || st->eos);
  push_time_segment (st);
}

/* The entry of sink_caps[] that fixes a 1000000-pixel-wide PNG: a
 * conversion to lines that long takes GStreamer's converter a while, so
 * only this exact byte asks for it. */
#define SINK_CAPS_SLOW 12

static void
set_downstream_caps (FuzzState * st, guint8 code)
{
  guint i = code % G_N_ELEMENTS (sink_caps);

  if (i == SINK_CAPS_SLOW && code != SINK_CAPS_SLOW)
    i = 0;

  if (i != 0)
    st->may_refuse = TRUE;
  TRACE ("downstream %s\n", sink_caps[i]);
  gst_harness_set_sink_caps_str (st->hr, sink_caps[i]);
}

/* Sets width or height (@prop_height) from @code, keeping the other side
 * small when this one is at a limit, and this one small when the other
 * is. */
static void
set_size (FuzzState * st, gboolean prop_height, guint8 code)
{
  guint v, *mine, *other;

  if (code < 224)
    v = code % (SMALL_SIZE_MAX + 1);
  else
    v = large_sides[(code - 224) % G_N_ELEMENTS (large_sides)];
  mine = prop_height ? &st->prop_height : &st->prop_width;
  other = prop_height ? &st->prop_width : &st->prop_height;
  *mine = v;
  if (v > SMALL_SIZE_MAX && v <= large_sides[N_LIMIT_SIDES - 1])
    *other = 1 + code % 4;
  else if (*other > SMALL_SIZE_MAX && *other <= large_sides[N_LIMIT_SIDES -
          1] && (v == 0 || v > 4))
    *mine = 1 + code % 4;
  g_object_set (st->enc, "width", st->prop_width, "height", st->prop_height,
      NULL);
}

static gdouble
fuzz_double (guint8 code)
{
  static const gdouble special[] = { 0.0, 1.0, 0.5, 1e-9, 0.999999 };

  if (code >= 256 - G_N_ELEMENTS (special))
    return special[code - (256 - G_N_ELEMENTS (special))];
  return code / 250.0;
}

static void
trace_properties (GObject * obj, const gchar * first, const gchar * second)
{
  const gchar *names[2] = { first, second };

  for (guint i = 0; i < 2 && names[i]; i++) {
    GValue v = G_VALUE_INIT;
    gchar *str;

    g_object_get_property (obj, names[i], &v);
    str = g_strdup_value_contents (&v);
    TRACE ("%s=%s\n", names[i], str);
    g_free (str);
    g_value_unset (&v);
  }
}

/* The properties added after the corpus was made, for selectors 224-255
 * (which the older ones took modulo 22): delivery options, annotate,
 * roi-min-size, tags, and threads up to 4. */
static void
set_delivery_property (GObject * obj, guint which, guint8 v)
{
  static const char *const names[] = { "progressive", "optimize",
    "restart-interval", "exif", "max-bytes", "annotate", "annotate-color",
    "annotate-thickness", "roi-min-size", "tags", "threads"
  };
  static const guint restarts[] = { 0, 1, 7, 240, 65535 };
  static const guint budgets[] = { 0, 1, 100, 2000, 65536, G_MAXUINT };
  static const gchar *const tags[] = { NULL, "", "{", "{\"site\":\"a\"}",
    "[1]", "{\"a\":{\"b\":[1,2,null]},\"c\":\"\\u00e9\"}"
  };
  guint i = which % G_N_ELEMENTS (names);

  switch (i) {
    case 0:
    case 1:
    case 3:
      g_object_set (obj, names[i], (gboolean) (v & 1), NULL);
      break;
    case 2:
      g_object_set (obj, names[i], restarts[v % G_N_ELEMENTS (restarts)],
          NULL);
      break;
    case 4:
      g_object_set (obj, names[i], budgets[v % G_N_ELEMENTS (budgets)], NULL);
      break;
    case 5:
      /* boxes only: this target is built without Pango, where labels and
       * time are refused with a g_warning (fatal here) */
      g_object_set (obj, names[i], (guint) (v & 1), NULL);
      break;
    case 6:
      g_object_set (obj, names[i], (guint) v * 0x01030507u, NULL);
      break;
    case 7:
      g_object_set (obj, names[i], (guint) v % 65, NULL);
      break;
    case 8:
      g_object_set (obj, names[i], (guint) (v < 200 ? v % 50 : G_MAXUINT - v),
          NULL);
      break;
    case 9:
      g_object_set (obj, names[i], tags[v % G_N_ELEMENTS (tags)], NULL);
      break;
    default:
      g_object_set (obj, names[i], 1 + v % 4, NULL);
      break;
  }
  if (trace)
    trace_properties (obj, names[i], NULL);
}

static void
set_property (FuzzState * st, FuzzReader * in)
{
  static const char *const names[] = { "format", "encoding", "quality",
    "subsampling", "compression-level", "crop-x", "crop-y", "crop-width",
    "crop-height", "width", "height", "method", "aspect-mode", "pad-color",
    "threads", "roi-type", "roi-margin", "min-confidence", "roi-select",
    "roi-best-timeout", "max-rate", "on-demand"
  };
  guint8 which = take_u8 (in), v = take_u8 (in);
  GObject *obj = G_OBJECT (st->enc);

  if (which >= 224) {
    set_delivery_property (obj, which - 224, v);
    return;
  }
  switch (which % 22) {
    case 0:
      g_object_set (obj, "format", v % 3, NULL);
      break;
    case 1:
      g_object_set (obj, "encoding", v % 5, NULL);
      break;
    case 2:
      g_object_set (obj, "quality", 1 + v % 100, NULL);
      break;
    case 3:
      g_object_set (obj, "subsampling", v % 5, NULL);
      break;
    case 4:
      g_object_set (obj, "compression-level", v % 10, NULL);
      break;
    case 5:
    case 6:
    case 7:
    case 8:{
      static const char *const names[] = { "crop-x", "crop-y", "crop-width",
        "crop-height"
      };
      guint value = v < 128 ? v % 70 :
          crop_values[v % G_N_ELEMENTS (crop_values)];

      g_object_set (obj, names[which % 22 - 5], value, NULL);
      break;
    }
    case 9:
    case 10:
      set_size (st, which % 22 == 10, v);
      break;
    case 11:
      /* the four GstVideoConverter methods and the two OpenCV ones */
      g_object_set (obj, "method", v % 6, NULL);
      break;
    case 12:
      g_object_set (obj, "aspect-mode", v % 3, NULL);
      break;
    case 13:
      g_object_set (obj, "pad-color", (guint) v * 0x01010101u, NULL);
      break;
    case 14:
      g_object_set (obj, "threads", 1 + v % 3, NULL);
      break;
    case 15:
      g_object_set (obj, "roi-type",
          roi_type_props[v % G_N_ELEMENTS (roi_type_props)], NULL);
      break;
    case 16:
      g_object_set (obj, "roi-margin", fuzz_double (v), NULL);
      break;
    case 17:
      g_object_set (obj, "min-confidence", fuzz_double (v), NULL);
      break;
    case 18:
      if (v % 3 == 2)
        g_atomic_int_set (&st->best_used, TRUE);
      g_object_set (obj, "roi-select", v % 3, NULL);
      break;
    case 19:{
      static const guint64 timeouts[] = { 0, 1, GST_MSECOND * 100,
        GST_SECOND, 60 * GST_SECOND, G_MAXUINT64
      };

      g_object_set (obj, "roi-best-timeout",
          timeouts[v % G_N_ELEMENTS (timeouts)], NULL);
      break;
    }
    case 20:{
      static const gint rates[][2] = { {0, 1}, {1, 1}, {30, 1}, {5, 2},
        {G_MAXINT, 1}, {1, G_MAXINT}, {10, 1}, {0, 1}
      };

      g_object_set (obj, "max-rate", rates[v & 7][0], rates[v & 7][1], NULL);
      break;
    }
    default:
      g_object_set (obj, "on-demand", (gboolean) (v & 1), NULL);
      break;
  }
  if (trace)
    trace_properties (obj, names[which % 22], which % 22 == 9 ||
        which % 22 == 10 ? names[19 - which % 22] : NULL);
}

/* Adds a GstVideoRegionOfInterestMeta made from the bytes at @in. */
static void
add_region (GstBuffer * buf, FuzzReader * in)
{
  guint8 type = take_u8 (in), kinds = take_u8 (in);
  guint coords[4];
  GstVideoRegionOfInterestMeta *meta;
  GstStructure *s = NULL;

  for (guint i = 0; i < 4; i++) {
    guint8 c = take_u8 (in);

    coords[i] = c < 248 ? c : region_coords[c - 248];
  }
  meta = gst_buffer_add_video_region_of_interest_meta (buf,
      roi_types[type % G_N_ELEMENTS (roi_types)], coords[0], coords[1],
      coords[2], coords[3]);
  CHECK (meta != NULL);
  switch (kinds & 3) {
    case 1:
      meta->id = type;
      break;
    case 2:
      meta->id = -1;
      break;
    case 3:
      meta->id = G_MAXINT;
      break;
    default:
      break;
  }
  switch ((kinds >> 2) & 7) {
    case 1:
    case 2:
      s = gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE,
          take_u8 (in) / 255.0, NULL);
      break;
    case 3:
      s = gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE, NAN,
          NULL);
      break;
    case 4:
      s = gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE,
          (kinds & 0x80) ? INFINITY : -1.0, NULL);
      break;
    case 5:
      s = gst_structure_new ("detection", "confidence", G_TYPE_INT, 1, NULL);
      break;
    case 6:
      s = gst_structure_new ("detection", "confidence", G_TYPE_STRING,
          "high", NULL);
      break;
    default:
      break;
  }
  if (s)
    gst_video_region_of_interest_meta_add_param (meta, s);
  s = NULL;
  switch (kinds >> 5) {
    case 1:
    case 2:
      s = gst_structure_new ("object_id", "id", G_TYPE_INT,
          (gint) (take_u8 (in) % 8), NULL);
      break;
    case 3:
      s = gst_structure_new ("object_id", "id", G_TYPE_UINT, G_MAXUINT,
          NULL);
      break;
    case 4:
      s = gst_structure_new ("object_id", "id", G_TYPE_INT64, G_MININT64,
          NULL);
      break;
    case 5:
      s = gst_structure_new ("object_id", "id", G_TYPE_UINT64, G_MAXUINT64,
          NULL);
      break;
    case 6:
      s = gst_structure_new ("object_id", "id", G_TYPE_STRING, "7", NULL);
      break;
    default:
      break;
  }
  if (s)
    gst_video_region_of_interest_meta_add_param (meta, s);
}

/* The honest layout of a frame of st->info with @pad bytes after each
 * row and @lead bytes before the first plane; returns its size. */
static gsize
honest_layout (FuzzState * st, guint pad, guint lead,
    gsize offsets[GST_VIDEO_MAX_PLANES], gint strides[GST_VIDEO_MAX_PLANES])
{
  const GstVideoFormatInfo *finfo = st->info.finfo;
  gsize total = lead;

  for (guint p = 0; p < GST_VIDEO_INFO_N_PLANES (&st->info); p++) {
    gint comp[GST_VIDEO_MAX_COMPONENTS];
    guint rows;

    gst_video_format_info_component (finfo, p, comp);
    rows = GST_VIDEO_FORMAT_INFO_SCALE_HEIGHT (finfo, comp[0],
        GST_VIDEO_INFO_HEIGHT (&st->info));
    strides[p] = GST_VIDEO_INFO_PLANE_STRIDE (&st->info, p) + pad;
    offsets[p] = total;
    total += (gsize) strides[p] * rows;
  }
  return total;
}

/* Makes a buffer of @size bytes (in two memories with @split) filled
 * from @seed. */
static GstBuffer *
new_buffer (gsize size, gboolean split, guint8 seed)
{
  GstBuffer *buf;
  GstMapInfo map;

  if (split && size >= 2) {
    buf = new_buffer (size / 2, FALSE, seed);
    gst_buffer_append (buf, new_buffer (size - size / 2, FALSE, seed + 1));
    return buf;
  }
  buf = gst_buffer_new_allocate (NULL, size, NULL);
  CHECK (buf != NULL);
  CHECK (gst_buffer_map (buf, &map, GST_MAP_WRITE));
  for (gsize i = 0; i < map.size; i++)
    map.data[i] = (guint8) (seed + i * 13 + (i >> 7));
  gst_buffer_unmap (buf, &map);
  return buf;
}

/* A buffer for a frame of st->info as the bytes at @in say: exact, too
 * short, or with an honest or fuzzed GstVideoMeta. */
static GstBuffer *
make_frame_buffer (FuzzState * st, FuzzReader * in, guint kind,
    gboolean split, guint8 seed)
{
  gsize offsets[GST_VIDEO_MAX_PLANES] = { 0 };
  gint strides[GST_VIDEO_MAX_PLANES] = { 0 };
  gsize size, wanted;
  guint8 a;

  if (!st->caps_valid || GST_VIDEO_INFO_SIZE (&st->info) > MAX_BUFFER_BYTES)
    return new_buffer (1 + take_u8 (in) * 16, split, seed);

  wanted = GST_VIDEO_INFO_SIZE (&st->info);
  switch (kind) {
    case 0:
      return new_buffer (wanted, split, seed);
    case 1:
      return new_buffer (wanted - 1 - take_u8 (in) % wanted, split, seed);
    default:
      break;
  }

  a = take_u8 (in);
  size = honest_layout (st, a & 0x1f, (a >> 5) * 8, offsets, strides);
  if (size > MAX_BUFFER_BYTES)
    size = honest_layout (st, 0, 0, offsets, strides);
  {
    GstVideoFormat format = GST_VIDEO_INFO_FORMAT (&st->info);
    guint width = GST_VIDEO_INFO_WIDTH (&st->info);
    guint height = GST_VIDEO_INFO_HEIGHT (&st->info);
    guint n_planes = GST_VIDEO_INFO_N_PLANES (&st->info);
    GstBuffer *buf;

    if (kind == 3) {
      /* one lie, or two */
      for (guint i = 0; i < 1 + (a >> 7); i++) {
        guint8 what = take_u8 (in), v = take_u8 (in);
        guint p = (what >> 2) % n_planes;
        gint64 row = strides[p];

        switch (what & 3) {
          case 0:{
            /* (a second lie may start from an extreme one) */
            gint64 values[] = { 0, -row, 1, row - 1, row + 1, G_MAXINT,
              G_MININT, 2 * row
            };
            strides[p] = (gint) CLAMP (values[v & 7], G_MININT, G_MAXINT);
            break;
          }
          case 1:{
            gsize values[] = { 0, 1, size, size - 1, G_MAXSIZE,
              G_MAXSIZE - 8, offsets[p] + 1, (gsize) G_MAXINT
            };
            offsets[p] = values[v & 7];
            break;
          }
          case 2:
            if (v & 1)
              height = v < 128 ? height + 1 + v % 4 : MAX (height, 2) - 1;
            else
              width = v < 128 ? width + 1 + v % 4 : MAX (width, 2) - 1;
            break;
          default:
            if (v & 1)
              n_planes = 1 + v % GST_VIDEO_MAX_PLANES;
            else
              format = sink_formats[v % n_sink_formats];
            break;
        }
      }
      /* and the buffer may be shorter or longer than the layout */
      {
        gint8 delta = (gint8) take_u8 (in);

        size = delta < 0 && (gsize) - delta >= size ? 1 : size + delta;
      }
    }
    buf = new_buffer (size, split, seed);
    gst_buffer_add_video_meta_full (buf, GST_VIDEO_FRAME_FLAG_NONE, format,
        width, height, n_planes, offsets, strides);
    return buf;
  }
}

static void
push_frame (FuzzState * st, FuzzReader * in)
{
  guint8 a = take_u8 (in), t = take_u8 (in), seed = take_u8 (in);
  GstClockTime duration = GST_SECOND / 25, pts;
  GstBuffer *buf;
  guint n_regions = MIN ((a >> 4) & 7, MAX_REGIONS);
  gint index;

  if (st->n_frames == MAX_FRAMES)
    return;
  buf = make_frame_buffer (st, in, a & 3, (a & 8) != 0, seed);
  switch (t & 7) {
    case 0:
    case 1:
    case 2:
      pts = st->next_pts;
      break;
    case 3:
      pts = st->next_pts + (t >> 3) * 100 * GST_MSECOND;
      break;
    case 4:
      pts = st->next_pts - MIN (st->next_pts, (t >> 3) * 100 * GST_MSECOND);
      break;
    case 5:
      pts = GST_CLOCK_TIME_NONE;
      duration = GST_CLOCK_TIME_NONE;
      break;
    case 6:
      pts = G_MAXUINT64 - 1 - (t >> 3);
      break;
    default:
      pts = st->next_pts;
      duration = GST_CLOCK_TIME_NONE;
      break;
  }
  if (GST_CLOCK_TIME_IS_VALID (pts) && pts < G_MAXUINT64 / 2)
    st->next_pts = pts + GST_SECOND / 25;
  GST_BUFFER_PTS (buf) = pts;
  GST_BUFFER_DURATION (buf) = duration;
  index = st->n_frames;
  st->pts[index] = pts;
  GST_BUFFER_DTS (buf) = index;
  if (a & 4)
    GST_BUFFER_FLAG_SET (buf, GST_BUFFER_FLAG_DISCONT);
  /* (these count with interlace-mode=mixed or interleaved) */
  if (seed & 0x40)
    GST_BUFFER_FLAG_SET (buf, GST_VIDEO_BUFFER_FLAG_INTERLACED);
  if (seed & 0x80)
    GST_BUFFER_FLAG_SET (buf, GST_VIDEO_BUFFER_FLAG_TFF);
  for (guint i = 0; i < n_regions; i++)
    add_region (buf, in);
  if (a & 0x80) {
    guint8 r = take_u8 (in);
    GstCaps *ref = gst_caps_new_empty_simple (r & 1 ? "timestamp/x-ntp" :
        "timestamp/x-unix");
    GstClockTime ts = r < 200 ? (GstClockTime) take_u32 (in) * GST_SECOND :
        G_MAXUINT64 - r;

    gst_buffer_add_reference_timestamp_meta (buf, ref, ts,
        GST_CLOCK_TIME_NONE);
    gst_caps_unref (ref);
  }
  g_atomic_int_set (&st->n_frames, index + 1);
  TRACE ("frame %d: %" G_GSIZE_FORMAT " bytes%s, pts %" GST_TIME_FORMAT
      ", %u regions%s%s\n", index, gst_buffer_get_size (buf),
      gst_buffer_get_video_meta (buf) ? " with a video meta" : "",
      GST_TIME_ARGS (pts), n_regions, a & 4 ? ", discont" : "",
      seed & 0x40 ? ", interlaced" : "");
  if (trace && gst_buffer_get_video_meta (buf)) {
    GstVideoMeta *m = gst_buffer_get_video_meta (buf);

    TRACE ("  meta %s %ux%u, %u planes:",
        gst_video_format_to_string (m->format), m->width, m->height,
        m->n_planes);
    for (guint p = 0; p < m->n_planes; p++)
      TRACE (" %" G_GSIZE_FORMAT "+%d", m->offset[p], m->stride[p]);
    TRACE (", %u memories\n", gst_buffer_n_memory (buf));
  }
  check_flow (st, gst_harness_push (st->hr, buf));
}

static void
push_fuzzed_segment (FuzzState * st, FuzzReader * in)
{
  static const gdouble rates[] = { 1.0, 2.0, -1.0, 0.5 };
  static const GstClockTime starts[] = { 0, GST_SECOND, 3 * GST_SECOND,
    3600 * GST_SECOND, G_MAXUINT64 / 4, 1, 500 * GST_MSECOND, 0
  };
  guint8 a = take_u8 (in), b = take_u8 (in);
  GstSegment seg;

  gst_segment_init (&seg, a & 0x80 ? GST_FORMAT_BYTES : GST_FORMAT_TIME);
  seg.rate = rates[a & 3];
  seg.start = starts[(a >> 2) & 7];
  switch (b & 3) {
    case 0:
      seg.stop = GST_CLOCK_TIME_NONE;
      break;
    case 1:
      seg.stop = seg.start + GST_SECOND;
      break;
    case 2:
      seg.stop = seg.start;
      break;
    default:
      seg.stop = seg.start + 10 * GST_SECOND;
      break;
  }
  seg.time = b & 4 ? seg.start : (b >> 3) * GST_SECOND;
  seg.base = b & 0x80 ? 7 * GST_SECOND : 0;
  seg.position = seg.start;
  push_segment (st, &seg);
}

static void
push_other_event (FuzzState * st, guint8 which)
{
  GstEvent *ev;

  switch (which & 3) {
    case 0:
      ev = gst_event_new_gap (st->next_pts, GST_SECOND);
      break;
    case 1:
      ev = gst_event_new_tag (gst_tag_list_new (GST_TAG_TITLE, "fuzz",
              NULL));
      break;
    case 2:
      ev = gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
          gst_structure_new_empty ("fuzz"));
      break;
    default:
      ev = gst_event_new_stream_start ("fuzz-again");
      st->eos = FALSE;
      break;
  }
  /* refused after EOS, or before caps that were refused */
  if (!gst_harness_push_event (st->hr, ev))
    CHECK (st->eos || st->may_refuse);
}

/* READY and back to PLAYING, then the stream's events again. */
static void
cycle_state (FuzzState * st, FuzzReader * in)
{
  guint8 header[5];

  CHECK (gst_element_set_state (st->enc, GST_STATE_READY) ==
      GST_STATE_CHANGE_SUCCESS);
  gst_harness_play (st->hr);
  st->eos = FALSE;
  CHECK (gst_harness_push_event (st->hr,
          gst_event_new_stream_start ("fuzz-cycled")));
  for (guint i = 0; i < 5; i++)
    header[i] = take_u8 (in);
  {
    FuzzReader hin = { header, 5 };

    send_input_caps (st, &hin);
  }
}

typedef enum
{
  OP_FRAME,
  OP_PROPERTY,
  OP_FLUSH,
  OP_SEGMENT,
  OP_CAPS,
  OP_DOWNSTREAM_CAPS,
  OP_SNAPSHOT,
  OP_EOS,
  OP_OTHER_EVENT,
  OP_STATE_CYCLE,
} FuzzOp;

static FuzzOp
op_kind (guint8 code)
{
  static const FuzzOp ops[16] = { OP_FRAME, OP_FRAME, OP_FRAME, OP_FRAME,
    OP_FRAME, OP_FRAME, OP_PROPERTY, OP_PROPERTY, OP_PROPERTY, OP_FLUSH,
    OP_SEGMENT, OP_CAPS, OP_DOWNSTREAM_CAPS, OP_SNAPSHOT, OP_EOS,
    OP_OTHER_EVENT
  };

  /* a state cycle is slow: rarely */
  if (code == 0xff)
    return OP_STATE_CYCLE;
  return ops[code & 15];
}

/* Pops the bus: errors only where refusals are allowed. */
static void
check_bus (FuzzState * st)
{
  GstMessage *msg;

  while ((msg = gst_bus_pop (st->bus))) {
    if (GST_MESSAGE_TYPE (msg) == GST_MESSAGE_ERROR)
      CHECK (st->may_refuse);
    gst_message_unref (msg);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  FuzzReader in = { data, size };
  FuzzState st;
  GstPad *srcpad;
  guint8 header[6];

  if (size < 6)
    return 0;
  memset (&st, 0, sizeof (st));
  for (guint i = 0; i < 6; i++)
    header[i] = take_u8 (&in);

  st.hr = gst_harness_new ("imencode");
  st.enc = st.hr->element;
  st.bus = gst_bus_new ();
  gst_element_set_bus (st.enc, st.bus);
  srcpad = gst_element_get_static_pad (st.enc, "src");
  gst_pad_add_probe (srcpad, GST_PAD_PROBE_TYPE_BUFFER |
      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, probe_src, &st, NULL);
  gst_object_unref (srcpad);

  g_object_set (st.enc, "threads", 1 + (header[5] & 3) % 3, NULL);
  set_downstream_caps (&st, header[4]);
  {
    guint8 caps_bytes[5] = { header[0], header[1], header[2], header[3],
      header[5]
    };
    FuzzReader hin = { caps_bytes, 5 };

    send_input_caps (&st, &hin);
  }

  for (guint op = 0; op < MAX_OPS && in.size > 0; op++) {
    guint8 code = take_u8 (&in);
    static const char *const op_names[] = { "frame", "property", "flush",
      "segment", "caps", "downstream caps", "snapshot", "EOS", "event",
      "state cycle"
    };

    TRACE ("-- %s\n", op_names[op_kind (code)]);
    switch (op_kind (code)) {
      case OP_FRAME:
        push_frame (&st, &in);
        break;
      case OP_PROPERTY:
        set_property (&st, &in);
        break;
      case OP_FLUSH:
        /* (data after a flush needs a segment again: GStreamer's own
         * checks warn otherwise) */
        flush (&st, (code & 0x10) != 0);
        if (code & 0x20)
          push_fuzzed_segment (&st, &in);
        else
          push_time_segment (&st);
        break;
      case OP_SEGMENT:
        push_fuzzed_segment (&st, &in);
        break;
      case OP_CAPS:
        send_input_caps (&st, &in);
        break;
      case OP_DOWNSTREAM_CAPS:
        set_downstream_caps (&st, take_u8 (&in));
        break;
      case OP_SNAPSHOT:
        for (guint i = 0; i < 1 + (code >> 4) % 3; i++)
          g_signal_emit_by_name (st.enc, "snapshot");
        break;
      case OP_EOS:
        if (!gst_harness_push_event (st.hr, gst_event_new_eos ()))
          CHECK (st.eos || st.may_refuse);
        st.eos = TRUE;
        break;
      case OP_OTHER_EVENT:
        push_other_event (&st, code >> 4);
        break;
      case OP_STATE_CYCLE:
        cycle_state (&st, &in);
        break;
    }
    drop_outputs (&st);
    check_bus (&st);
  }
  /* the end: EOS, or a teardown with frames in flight */
  if (!(header[5] & 0x80) && !st.eos) {
    if (!gst_harness_push_event (st.hr, gst_event_new_eos ()))
      CHECK (st.may_refuse);
  }
  drop_outputs (&st);
  check_bus (&st);
  gst_element_set_bus (st.enc, NULL);
  gst_object_unref (st.bus);
  fuzz_teardown (st.hr);
  return 0;
}
