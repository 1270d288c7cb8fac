/* gst-imencode: the base64dec element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-base64dec
 * @title: base64dec
 *
 * Decodes base64 text (RFC 4648) back to bytes. Each record becomes one
 * output buffer: with records=buffer each input buffer, with records=line
 * each line (even when lines are split across buffers; blank lines are
 * skipped), and with records=auto (the default) buffers after
 * application/x-base64 caps (an element framed the records) and lines
 * otherwise (text/x-raw, no caps: a file). The standard and URL-safe
 * alphabets are accepted, padded or not, with whitespace anywhere and an
 * optional `data:<type>;base64,` prefix.
 *
 * The source caps come from the decoded bytes: image/jpeg and image/png
 * are recognised directly, anything else is typefound, and bytes nobody
 * recognises, or of a type downstream refuses, are
 * application/octet-stream. They change when a record of another type
 * comes.
 *
 * A record that is not valid base64, is empty, or is longer than
 * max-record-size posts a warning saying which of these, naming the record
 * (numbered from 1: the line number with records=line) and, for invalid
 * text, the byte offset in it; it is dropped, the next output buffer is
 * marked DISCONT and the stream goes on. With strict=true such a record is
 * an error instead.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 filesrc location=images.b64 ! base64dec ! \
 *     multifilesink location=image-%03d.jpg
 * gst-launch-1.0 filesrc location=photo.b64 ! base64dec ! jpegdec ! \
 *     videoconvert ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include <gst/base/gsttypefindhelper.h>

#include "gstbase64dec.h"
#include "gstimbase64.h"
#include "gstimencodeelements.h"
#include "gstimpad.h"
#include "imcore.h"

GST_DEBUG_CATEGORY_STATIC (gst_base64dec_debug);
#define GST_CAT_DEFAULT gst_base64dec_debug

#define DEFAULT_RECORDS GST_BASE64DEC_RECORDS_AUTO
#define DEFAULT_STRICT FALSE
#define DEFAULT_MAX_RECORD_SIZE (G_GUINT64_CONSTANT (64) << 20)

enum
{
  PROP_0,
  PROP_RECORDS,
  PROP_STRICT,
  PROP_MAX_RECORD_SIZE,
};

/* The properties, copied under the object lock once per buffer. */
typedef struct
{
  GstBase64decRecords records;
  gboolean strict;
  guint64 max_record_size;
} GstBase64decSettings;

struct _GstBase64dec
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstBase64decSettings settings;

  /* streaming thread only */
  gboolean framed_upstream;     /* application/x-base64 caps: an element
                                 * made each buffer one record */
  guint64 record;               /* records ended so far */
  GByteArray *line;             /* the start of a line split across buffers */
  gboolean line_too_long;       /* dropping the rest of an overlong line */
  GstClockTime line_pts, line_dts;      /* of the buffer the line began in */
  gboolean discont;             /* a record was dropped since the last push */
  GstImHeldEvents held;
};

#define gst_base64dec_parent_class parent_class
G_DEFINE_TYPE (GstBase64dec, gst_base64dec, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (base64dec, "base64dec", GST_RANK_NONE,
    GST_TYPE_BASE64DEC);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("application/x-base64; text/x-raw"));

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

#define GST_TYPE_BASE64DEC_RECORDS (gst_base64dec_records_get_type ())
static GType
gst_base64dec_records_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {GST_BASE64DEC_RECORDS_AUTO, "Buffer after application/x-base64 caps "
          "(an element framed the records), line otherwise (text/x-raw, no "
          "caps)", "auto"},
    {GST_BASE64DEC_RECORDS_BUFFER, "Each input buffer is one record",
        "buffer"},
    {GST_BASE64DEC_RECORDS_LINE, "Each line is one record; lines may span "
          "input buffers and the last one may lack its newline", "line"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("GstBase64decRecords", values);

    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

static void gst_base64dec_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_base64dec_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_base64dec_finalize (GObject * object);
static GstStateChangeReturn gst_base64dec_change_state (GstElement * element,
    GstStateChange transition);
static GstFlowReturn gst_base64dec_chain (GstPad * pad, GstObject * parent,
    GstBuffer * inbuf);
static gboolean gst_base64dec_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);

static void
gst_base64dec_class_init (GstBase64decClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_base64dec_set_property;
  gobject_class->get_property = gst_base64dec_get_property;
  gobject_class->finalize = gst_base64dec_finalize;

  g_object_class_install_property (gobject_class, PROP_RECORDS,
      g_param_spec_enum ("records", "Records",
          "What one record of base64 text is: an input buffer, or a line "
          "ended by '\\n' (a trailing '\\r' is whitespace; blank lines are "
          "skipped); auto: buffer when the upstream caps are "
          "application/x-base64 (an element framed the records), line "
          "otherwise (text/x-raw or no caps, e.g. straight after filesrc)",
          GST_TYPE_BASE64DEC_RECORDS, DEFAULT_RECORDS, flags));
  g_object_class_install_property (gobject_class, PROP_STRICT,
      g_param_spec_boolean ("strict", "Strict",
          "false: an invalid, empty or overlong record posts a warning and "
          "is dropped, the stream goes on; true: it is an error",
          DEFAULT_STRICT, flags));
  g_object_class_install_property (gobject_class, PROP_MAX_RECORD_SIZE,
      g_param_spec_uint64 ("max-record-size", "Maximum record size",
          "Records of more bytes of text than this are refused (with "
          "records=line, a longer line is not buffered past this size)",
          1, G_MAXSIZE / 2, DEFAULT_MAX_RECORD_SIZE, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Base64 decoder", "Codec/Decoder",
      "Decodes base64 text (standard or URL-safe alphabet, data URIs) back "
      "to bytes, one record per buffer or per line, and typefinds them",
      "gst-imencode contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_base64dec_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_BASE64DEC_RECORDS, 0);
  GST_DEBUG_CATEGORY_INIT (gst_base64dec_debug, "base64dec", 0,
      "Base64 text to bytes");
}

static void
gst_base64dec_init (GstBase64dec * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_base64dec_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_base64dec_sink_event));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->settings.records = DEFAULT_RECORDS;
  self->settings.strict = DEFAULT_STRICT;
  self->settings.max_record_size = DEFAULT_MAX_RECORD_SIZE;
  self->line = g_byte_array_new ();
}

/* Forgets a partly received line. */
static void
gst_base64dec_drop_line (GstBase64dec * self)
{
  g_byte_array_set_size (self->line, 0);
  self->line_too_long = FALSE;
}

static void
gst_base64dec_reset (GstBase64dec * self)
{
  gst_base64dec_drop_line (self);
  self->framed_upstream = FALSE;
  self->record = 0;
  self->discont = FALSE;
  gst_im_held_events_clear (&self->held);
}

static void
gst_base64dec_finalize (GObject * object)
{
  GstBase64dec *self = GST_BASE64DEC (object);

  gst_im_held_events_clear (&self->held);
  g_byte_array_unref (self->line);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_base64dec_change_state (GstElement * element, GstStateChange transition)
{
  GstBase64dec *self = GST_BASE64DEC (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    gst_base64dec_reset (self);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret != GST_STATE_CHANGE_FAILURE &&
      transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_base64dec_reset (self);
  return ret;
}

/* ---- records ---- */

/* Refuses record number @record, which @problem ("is empty"), because
 * @why: a warning and the record is dropped (@dropped says how much of
 * it), or with strict=true an error. The debug text says what is
 * accepted. */
static GstFlowReturn
gst_base64dec_refuse (GstBase64dec * self, const GstBase64decSettings * s,
    guint64 record, const gchar * problem, const gchar * dropped,
    const gchar * why)
{
  if (s->strict) {
    GST_ELEMENT_ERROR (self, STREAM, DECODE,
        ("Record %" G_GUINT64_FORMAT " %s: %s", record, problem, why),
        ("strict=true; " GST_IM_BASE64_ACCEPTED));
    return GST_FLOW_ERROR;
  }
  GST_ELEMENT_WARNING (self, STREAM, DECODE,
      ("Record %" G_GUINT64_FORMAT " %s and %s: %s", record, problem,
          dropped, why), (GST_IM_BASE64_ACCEPTED));
  self->discont = TRUE;
  return GST_FLOW_OK;
}

/* Whether @text holds nothing but whitespace. */
static gboolean
gst_base64dec_is_blank (const guint8 * text, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace (text[i]))
      return FALSE;
  return TRUE;
}

/* Caps for decoded bytes: the two image types this plugin is about are
 * recognised by their signatures (plain caps, so that images of another
 * size do not renegotiate), the rest by the registered typefinders. */
static GstCaps *
gst_base64dec_type_of (GstBase64dec * self, const guint8 * data, gsize size)
{
  GstTypeFindProbability prob = GST_TYPE_FIND_NONE;
  GstCaps *caps;

  switch (imcore_image_kind (data, size)) {
    case IMCORE_IMAGE_JPEG:
      return gst_caps_new_empty_simple ("image/jpeg");
    case IMCORE_IMAGE_PNG:
      return gst_caps_new_empty_simple ("image/png");
    case IMCORE_IMAGE_UNKNOWN:
      break;
  }

  caps = gst_type_find_helper_for_data (GST_OBJECT (self), data, size, &prob);
  if (caps && prob >= GST_TYPE_FIND_LIKELY)
    return caps;
  gst_clear_caps (&caps);
  return gst_caps_new_empty_simple ("application/octet-stream");
}

/* Decodes one complete record and pushes it. */
static GstFlowReturn
gst_base64dec_record (GstBase64dec * self, const GstBase64decSettings * s,
    const guint8 * text, gsize len, GstBuffer * timing)
{
  GstBuffer *outbuf;
  GstCaps *caps, *current;
  GstMapInfo map;
  GError *error = NULL;
  GstFlowReturn ret;

  if (len > s->max_record_size) {
    gchar *why = g_strdup_printf ("%" G_GSIZE_FORMAT " bytes of text, more "
        "than max-record-size (%" G_GUINT64_FORMAT ")", len,
        s->max_record_size);

    ret = gst_base64dec_refuse (self, s, self->record, "is too long",
        "was dropped", why);
    g_free (why);
    return ret;
  }

  outbuf = gst_im_base64_decode (text, len, NULL, &error);
  if (!outbuf) {
    ret = gst_base64dec_refuse (self, s, self->record, "is not valid base64",
        "was dropped", error->message);
    g_error_free (error);
    return ret;
  }
  if (gst_buffer_get_size (outbuf) == 0) {
    gst_buffer_unref (outbuf);
    return gst_base64dec_refuse (self, s, self->record, "is empty",
        "was dropped", "no base64 characters, only whitespace or a data URI "
        "prefix");
  }

  if (!gst_buffer_map (outbuf, &map, GST_MAP_READ)) {
    gst_buffer_unref (outbuf);
    GST_ELEMENT_ERROR (self, RESOURCE, FAILED, (NULL),
        ("cannot map a decoded buffer"));
    return GST_FLOW_ERROR;
  }
  caps = gst_base64dec_type_of (self, map.data, map.size);
  gst_buffer_unmap (outbuf, &map);
  current = gst_pad_get_current_caps (self->srcpad);
  if ((!current || !gst_caps_is_equal (caps, current)) &&
      gst_pad_is_linked (self->srcpad) &&
      !gst_pad_peer_query_accept_caps (self->srcpad, caps)) {
    /* bytes downstream takes for no type of its own (imdecode skips
     * them with a warning and goes on with the next image) */
    GST_DEBUG_OBJECT (self, "record %" G_GUINT64_FORMAT ": downstream "
        "refuses %" GST_PTR_FORMAT ", trying application/octet-stream",
        self->record, caps);
    gst_caps_unref (caps);
    caps = gst_caps_new_empty_simple ("application/octet-stream");
  }
  if (!current || !gst_caps_is_equal (caps, current)) {
    GST_DEBUG_OBJECT (self, "record %" G_GUINT64_FORMAT ": %" GST_PTR_FORMAT,
        self->record, caps);
    if (!gst_pad_push_event (self->srcpad, gst_event_new_caps (caps)) &&
        !GST_PAD_IS_FLUSHING (self->srcpad)) {
      GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
          ("downstream refused %" GST_PTR_FORMAT " (record %" G_GUINT64_FORMAT
              ")", caps, self->record));
      gst_clear_caps (&current);
      gst_caps_unref (caps);
      gst_buffer_unref (outbuf);
      return GST_FLOW_NOT_NEGOTIATED;
    }
  }
  gst_clear_caps (&current);
  gst_caps_unref (caps);
  gst_im_held_events_push (&self->held, self->srcpad);

  if (timing) {
    GST_BUFFER_PTS (outbuf) = GST_BUFFER_PTS (timing);
    GST_BUFFER_DTS (outbuf) = GST_BUFFER_DTS (timing);
    GST_BUFFER_DURATION (outbuf) = GST_BUFFER_DURATION (timing);
    if (GST_BUFFER_IS_DISCONT (timing))
      self->discont = TRUE;
  }
  if (self->discont) {
    GST_BUFFER_FLAG_SET (outbuf, GST_BUFFER_FLAG_DISCONT);
    self->discont = FALSE;
  }
  return gst_pad_push (self->srcpad, outbuf);
}

/* Ends the line collected in self->line (at a newline or EOS). */
static GstFlowReturn
gst_base64dec_end_line (GstBase64dec * self, const GstBase64decSettings * s)
{
  GstBuffer *timing;
  GstFlowReturn ret;

  self->record++;
  if (self->line_too_long) {
    /* refused when it grew too long */
    gst_base64dec_drop_line (self);
    return GST_FLOW_OK;
  }
  if (gst_base64dec_is_blank (self->line->data, self->line->len)) {
    /* a blank line between records is no record */
    gst_base64dec_drop_line (self);
    return GST_FLOW_OK;
  }
  timing = gst_buffer_new ();
  GST_BUFFER_PTS (timing) = self->line_pts;
  GST_BUFFER_DTS (timing) = self->line_dts;
  ret = gst_base64dec_record (self, s, self->line->data, self->line->len,
      timing);
  gst_buffer_unref (timing);
  gst_base64dec_drop_line (self);
  return ret;
}

/* Adds @len bytes of an unfinished line to self->line, refusing the line
 * once it is longer than max-record-size. */
static GstFlowReturn
gst_base64dec_grow_line (GstBase64dec * self, const GstBase64decSettings * s,
    const guint8 * data, gsize len)
{
  GstFlowReturn ret;
  gchar *what;

  if (self->line_too_long || len == 0)
    return GST_FLOW_OK;
  if (self->line->len + (guint64) len <= s->max_record_size &&
      self->line->len + (guint64) len <= G_MAXUINT) {
    g_byte_array_append (self->line, data, len);
    return GST_FLOW_OK;
  }

  /* the line is refused now, before it ends: it is the next record */
  what = g_strdup_printf ("more than max-record-size (%" G_GUINT64_FORMAT
      ") bytes of text", s->max_record_size);
  ret = gst_base64dec_refuse (self, s, self->record + 1, "is too long",
      "was dropped up to its newline", what);
  g_free (what);
  g_byte_array_set_size (self->line, 0);
  self->line_too_long = TRUE;
  return ret;
}

/* records=line: splits @data at newlines. The first line to start in this
 * buffer takes its timestamps; later ones have none. */
static GstFlowReturn
gst_base64dec_lines (GstBase64dec * self, const GstBase64decSettings * s,
    GstBuffer * inbuf, const guint8 * data, gsize size)
{
  const guint8 *p = data, *end = data + size;
  gboolean first = TRUE;
  GstFlowReturn ret = GST_FLOW_OK;

  if (GST_BUFFER_IS_DISCONT (inbuf))
    self->discont = TRUE;
  while (p < end && ret == GST_FLOW_OK) {
    const guint8 *nl = memchr (p, '\n', end - p);
    gsize len = (nl ? nl : end) - p;

    if (self->line->len == 0 && !self->line_too_long) {
      /* a line starts here */
      self->line_pts = first ? GST_BUFFER_PTS (inbuf) : GST_CLOCK_TIME_NONE;
      self->line_dts = first ? GST_BUFFER_DTS (inbuf) : GST_CLOCK_TIME_NONE;
      first = FALSE;
    }

    if (!nl) {
      ret = gst_base64dec_grow_line (self, s, p, len);
      break;
    }
    if (self->line->len == 0 && !self->line_too_long) {
      /* the whole line is in this buffer: decode it in place (a blank
       * line between records is no record) */
      self->record++;
      if (!gst_base64dec_is_blank (p, len)) {
        GstBuffer *timing = gst_buffer_new ();

        GST_BUFFER_PTS (timing) = self->line_pts;
        GST_BUFFER_DTS (timing) = self->line_dts;
        ret = gst_base64dec_record (self, s, p, len, timing);
        gst_buffer_unref (timing);
      }
    } else {
      ret = gst_base64dec_grow_line (self, s, p, len);
      if (ret == GST_FLOW_OK)
        ret = gst_base64dec_end_line (self, s);
    }
    p = nl + 1;
  }
  return ret;
}

/* What a record is now: records=auto resolved from the upstream caps. */
static GstBase64decRecords
gst_base64dec_records (GstBase64dec * self, const GstBase64decSettings * s)
{
  if (s->records != GST_BASE64DEC_RECORDS_AUTO)
    return s->records;
  return self->framed_upstream ? GST_BASE64DEC_RECORDS_BUFFER :
      GST_BASE64DEC_RECORDS_LINE;
}

static GstFlowReturn
gst_base64dec_chain (GstPad * pad, GstObject * parent, GstBuffer * inbuf)
{
  GstBase64dec *self = GST_BASE64DEC (parent);
  GstBase64decSettings s;
  GstMapInfo map;
  GstFlowReturn ret;

  GST_OBJECT_LOCK (self);
  s = self->settings;
  GST_OBJECT_UNLOCK (self);

  if (!gst_buffer_map (inbuf, &map, GST_MAP_READ)) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED, ("Cannot read a buffer"),
        ("mapping an input buffer of %" G_GSIZE_FORMAT " bytes failed; "
            "buffer dropped", gst_buffer_get_size (inbuf)));
    gst_buffer_unref (inbuf);
    self->discont = TRUE;
    return GST_FLOW_OK;
  }

  if (gst_base64dec_records (self, &s) == GST_BASE64DEC_RECORDS_LINE) {
    ret = gst_base64dec_lines (self, &s, inbuf, map.data, map.size);
  } else {
    /* a line left over from records=line ends where buffer records begin */
    ret = GST_FLOW_OK;
    if (self->line->len > 0 || self->line_too_long)
      ret = gst_base64dec_end_line (self, &s);
    if (ret == GST_FLOW_OK) {
      self->record++;
      ret = gst_base64dec_record (self, &s, map.data, map.size, inbuf);
    }
  }
  gst_buffer_unmap (inbuf, &map);
  gst_buffer_unref (inbuf);
  return ret;
}

static gboolean
gst_base64dec_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstBase64dec *self = GST_BASE64DEC (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;

      gst_event_parse_caps (event, &caps);
      self->framed_upstream = gst_caps_get_size (caps) > 0 &&
          gst_structure_has_name (gst_caps_get_structure (caps, 0),
          "application/x-base64");
      /* the source caps come from the decoded bytes */
      gst_event_unref (event);
      return TRUE;
    }
    case GST_EVENT_FLUSH_STOP:
      gst_base64dec_drop_line (self);
      self->discont = TRUE;
      gst_im_held_events_clear (&self->held);
      break;
    case GST_EVENT_EOS:{
      GstBase64decSettings s;

      GST_OBJECT_LOCK (self);
      s = self->settings;
      GST_OBJECT_UNLOCK (self);
      /* the last line may lack its newline */
      if (self->line->len > 0 || self->line_too_long)
        gst_base64dec_end_line (self, &s);
      gst_im_held_events_push (&self->held, self->srcpad);
      break;
    }
    default:
      if (gst_im_held_events_hold (&self->held, self->srcpad, event))
        return TRUE;
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static void
gst_base64dec_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBase64dec *self = GST_BASE64DEC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_RECORDS:
      self->settings.records = g_value_get_enum (value);
      break;
    case PROP_STRICT:
      self->settings.strict = g_value_get_boolean (value);
      break;
    case PROP_MAX_RECORD_SIZE:
      self->settings.max_record_size = g_value_get_uint64 (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_base64dec_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstBase64dec *self = GST_BASE64DEC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_RECORDS:
      g_value_set_enum (value, self->settings.records);
      break;
    case PROP_STRICT:
      g_value_set_boolean (value, self->settings.strict);
      break;
    case PROP_MAX_RECORD_SIZE:
      g_value_set_uint64 (value, self->settings.max_record_size);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}
