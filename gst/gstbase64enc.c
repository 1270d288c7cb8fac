/* gst-imencode: the base64enc element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-base64enc
 * @title: base64enc
 *
 * Turns bytes into base64 text (RFC 4648), optionally as a data URI,
 * wrapped into lines, or ending in a newline so that a file or socket
 * carries one record per line. Any input is accepted; the source caps are
 * `application/x-base64` with the upstream media type as `content-type`
 * (application/octet-stream when upstream set no caps) and the `data-uri`
 * property as `data-uri`.
 *
 * With records=buffer (the default) every input buffer is one record and
 * gives one output buffer; timestamps, flags and untagged metas (such as
 * `ImencodeMeta`) are copied, and an empty input buffer gives an empty
 * output buffer. With records=stream the whole stream is one record,
 * however upstream cuts it into buffers (filesrc's blocks): the data URI
 * prefix comes once at the start, the 1 or 2 bytes that do not fill a
 * base64 group are carried into the next buffer (so every output buffer
 * holds whole groups and decodes on its own), line wrapping goes on across
 * buffers, and the last group, its padding and the newline are sent at
 * EOS. The record keeps the properties it started with; a flush starts a
 * new one.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=3 ! imencode ! \
 *     base64enc newline=true ! fdsink
 * gst-launch-1.0 filesrc location=photo.jpg ! image/jpeg ! \
 *     base64enc records=stream data-uri=true ! filesink location=photo.uri
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstbase64enc.h"
#include "gstimbase64.h"
#include "gstimencodeelements.h"
#include "gstimpad.h"
#include "imcore.h"

GST_DEBUG_CATEGORY_STATIC (gst_base64enc_debug);
#define GST_CAT_DEFAULT gst_base64enc_debug

#define DEFAULT_DATA_URI FALSE
#define DEFAULT_URL_SAFE FALSE
#define DEFAULT_LINE_LENGTH 0
#define DEFAULT_NEWLINE FALSE
#define DEFAULT_RECORDS GST_BASE64ENC_RECORDS_BUFFER

/* the media type announced when upstream sets no caps */
#define UNKNOWN_CONTENT_TYPE "application/octet-stream"

enum
{
  PROP_0,
  PROP_DATA_URI,
  PROP_URL_SAFE,
  PROP_LINE_LENGTH,
  PROP_NEWLINE,
  PROP_RECORDS,
};

/* The properties, copied under the object lock once per buffer. */
typedef struct
{
  gboolean data_uri;
  gboolean url_safe;
  guint line_length;
  gboolean newline;
  GstBase64encRecords records;
} GstBase64encSettings;

/* records=stream: the record being written, its format fixed at its
 * start. */
typedef struct
{
  gboolean open;                /* bytes of it have come */
  gboolean prefix_sent;
  GstImBase64Format format;     /* data_uri_type owned */
  guint8 carry[2];              /* bytes short of a whole group */
  guint n_carry;
  guint64 chars;                /* base64 characters sent (no prefix) */
} GstBase64encRecord;

struct _GstBase64enc
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstBase64encSettings settings;

  /* streaming thread only */
  gchar *content_type;          /* upstream media type, NULL before caps */
  gboolean caps_pushed;         /* source caps match content_type */
  gboolean caps_data_uri;       /* data-uri in the caps we pushed */
  GstImHeldEvents held;
  GstBase64encRecord record;    /* records=stream */
  GByteArray *scratch;          /* unwrapped text before line breaks */
};

#define GST_TYPE_BASE64ENC_RECORDS (gst_base64enc_records_get_type ())
static GType
gst_base64enc_records_get_type (void)
{
  static gsize id = 0;
  static const GEnumValue values[] = {
    {GST_BASE64ENC_RECORDS_BUFFER, "Each input buffer is one record, one "
          "output buffer each", "buffer"},
    {GST_BASE64ENC_RECORDS_STREAM, "The whole stream is one record: prefix "
          "once, groups carried across buffers, the end at EOS", "stream"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&id)) {
    GType t = g_enum_register_static ("GstBase64encRecords", values);

    g_once_init_leave (&id, t);
  }
  return (GType) id;
}

#define gst_base64enc_parent_class parent_class
G_DEFINE_TYPE (GstBase64enc, gst_base64enc, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (base64enc, "base64enc", GST_RANK_NONE,
    GST_TYPE_BASE64ENC);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("application/x-base64, "
        "data-uri = (boolean) { false, true }"));

static void gst_base64enc_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_base64enc_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_base64enc_finalize (GObject * object);
static GstStateChangeReturn gst_base64enc_change_state (GstElement * element,
    GstStateChange transition);
static GstFlowReturn gst_base64enc_chain (GstPad * pad, GstObject * parent,
    GstBuffer * inbuf);
static gboolean gst_base64enc_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);

static void
gst_base64enc_class_init (GstBase64encClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_base64enc_set_property;
  gobject_class->get_property = gst_base64enc_get_property;
  gobject_class->finalize = gst_base64enc_finalize;

  g_object_class_install_property (gobject_class, PROP_DATA_URI,
      g_param_spec_boolean ("data-uri", "Data URI",
          "Start every output with \"data:<content-type>;base64,\", the "
          "content type being the upstream media type",
          DEFAULT_DATA_URI, flags));
  g_object_class_install_property (gobject_class, PROP_URL_SAFE,
      g_param_spec_boolean ("url-safe", "URL-safe",
          "Use the URL and filename safe alphabet of RFC 4648 section 5 "
          "('-' and '_' instead of '+' and '/') and no '=' padding",
          DEFAULT_URL_SAFE, flags));
  g_object_class_install_property (gobject_class, PROP_LINE_LENGTH,
      g_param_spec_uint ("line-length", "Line length",
          "Insert a newline after every this many base64 characters (the "
          "data URI prefix not counted); 0 = one line, 76 = MIME",
          0, G_MAXUINT, DEFAULT_LINE_LENGTH, flags));
  g_object_class_install_property (gobject_class, PROP_NEWLINE,
      g_param_spec_boolean ("newline", "Newline",
          "End every non-empty record with a newline, so that a file or "
          "socket carries one record per line",
          DEFAULT_NEWLINE, flags));
  g_object_class_install_property (gobject_class, PROP_RECORDS,
      g_param_spec_enum ("records", "Records",
          "What one record (one base64 text, with its prefix and final "
          "newline) is: each input buffer, or the whole stream up to EOS "
          "(a file from filesrc as one data URI whatever its block size; "
          "property changes then apply from the next record)",
          GST_TYPE_BASE64ENC_RECORDS, DEFAULT_RECORDS, flags));

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Base64 encoder", "Codec/Encoder",
      "Encodes each buffer, or the whole stream (records=stream), as base64 "
      "text (RFC 4648), optionally as a data URI, URL-safe, wrapped or one "
      "record per line", "gst-imencode contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_base64enc_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_BASE64ENC_RECORDS, 0);
  GST_DEBUG_CATEGORY_INIT (gst_base64enc_debug, "base64enc", 0,
      "Buffers to base64 text");
}

static void
gst_base64enc_init (GstBase64enc * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_base64enc_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_base64enc_sink_event));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->settings.data_uri = DEFAULT_DATA_URI;
  self->settings.url_safe = DEFAULT_URL_SAFE;
  self->settings.line_length = DEFAULT_LINE_LENGTH;
  self->settings.newline = DEFAULT_NEWLINE;
  self->settings.records = DEFAULT_RECORDS;
  self->scratch = g_byte_array_new ();
}

/* Forgets the record being written (records=stream). */
static void
gst_base64enc_drop_record (GstBase64enc * self)
{
  g_free ((gchar *) self->record.format.data_uri_type);
  memset (&self->record, 0, sizeof (self->record));
}

static void
gst_base64enc_reset (GstBase64enc * self)
{
  g_clear_pointer (&self->content_type, g_free);
  self->caps_pushed = FALSE;
  gst_im_held_events_clear (&self->held);
  gst_base64enc_drop_record (self);
}

static void
gst_base64enc_finalize (GObject * object)
{
  GstBase64enc *self = GST_BASE64ENC (object);

  gst_base64enc_reset (self);
  g_byte_array_unref (self->scratch);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static GstStateChangeReturn
gst_base64enc_change_state (GstElement * element, GstStateChange transition)
{
  GstBase64enc *self = GST_BASE64ENC (element);
  GstStateChangeReturn ret;

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret != GST_STATE_CHANGE_FAILURE &&
      transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_base64enc_reset (self);
  return ret;
}

static GstCaps *
gst_base64enc_make_caps (const gchar * content_type, gboolean data_uri)
{
  return gst_caps_new_simple ("application/x-base64",
      "content-type", G_TYPE_STRING,
      content_type ? content_type : UNKNOWN_CONTENT_TYPE,
      "data-uri", G_TYPE_BOOLEAN, data_uri, NULL);
}

/* Pushes source caps if there are none yet or they are out of date, then
 * the events that waited for them. */
static gboolean
gst_base64enc_ensure_caps (GstBase64enc * self, gboolean data_uri)
{
  GstCaps *caps;
  gboolean ok;

  if (self->caps_pushed && self->caps_data_uri == data_uri)
    return TRUE;

  caps = gst_base64enc_make_caps (self->content_type, data_uri);
  GST_DEBUG_OBJECT (self, "source caps %" GST_PTR_FORMAT, caps);
  ok = gst_pad_push_event (self->srcpad, gst_event_new_caps (caps));
  gst_caps_unref (caps);
  self->caps_pushed = ok;
  self->caps_data_uri = data_uri;
  gst_im_held_events_push (&self->held, self->srcpad);
  return ok;
}

/* Copies the metas that describe the buffer rather than its bytes (those
 * registered without tags, such as ImencodeMeta); video or audio metas
 * would be wrong on text. */
static gboolean
gst_base64enc_copy_meta (GstBuffer * inbuf, GstMeta ** meta, gpointer user)
{
  GstBuffer *outbuf = user;
  const GstMetaInfo *info = (*meta)->info;
  const gchar *const *tags = gst_meta_api_type_get_tags (info->api);
  GstMetaTransformCopy copy = { FALSE, 0, (gsize) - 1 };

  if ((!tags || !tags[0]) && info->transform_func)
    info->transform_func (outbuf, *meta, inbuf, _gst_meta_transform_copy,
        &copy);
  return TRUE;
}

/* ---- records=stream ---- */

static unsigned
gst_base64enc_flags (const GstImBase64Format * format)
{
  return format->url_safe ? IMCORE_BASE64_URL_SAFE |
      IMCORE_BASE64_NO_PADDING : 0;
}

/* The line breaks before @n more characters of a record that has
 * @before characters already, with a break after every @line_length
 * characters (none before the first character or after the last). */
static guint64
gst_base64enc_breaks (guint64 before, gsize n, gsize line_length)
{
  if (n == 0 || line_length == 0)
    return 0;
  return (before + n - 1) / line_length -
      (before == 0 ? 0 : (before - 1) / line_length);
}

/* Pushes the next piece of the open record: the prefix if it has not gone
 * yet, the @n characters of self->scratch with the record's line breaks,
 * and the final newline if @last. Timestamps, flags and metas from @inbuf
 * when not NULL. Nothing is pushed when there is nothing to say. */
static GstFlowReturn
gst_base64enc_push_piece (GstBase64enc * self, gsize n, gboolean last,
    GstBuffer * inbuf)
{
  GstBase64encRecord *r = &self->record;
  const GstImBase64Format *f = &r->format;
  gsize prefix = 0, total, line = f->line_length, i = 0;
  guint64 breaks;
  GstBuffer *outbuf;
  GstMapInfo map;
  guint8 *o;

  if (!r->prefix_sent && f->data_uri_type)
    prefix = strlen ("data:") + strlen (f->data_uri_type) +
        strlen (";base64,");
  breaks = gst_base64enc_breaks (r->chars, n, line);
  total = prefix + n + (gsize) breaks + (last && f->newline ? 1 : 0);
  if (total == 0)
    return GST_FLOW_OK;
  outbuf = gst_buffer_new_allocate (NULL, total, NULL);
  if (!outbuf || !gst_buffer_map (outbuf, &map, GST_MAP_WRITE)) {
    gst_clear_buffer (&outbuf);
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT, (NULL),
        ("cannot allocate %" G_GSIZE_FORMAT " bytes of base64 text", total));
    return GST_FLOW_ERROR;
  }
  o = map.data;
  if (prefix)
    o = (guint8 *) g_stpcpy (g_stpcpy (g_stpcpy ((gchar *) o, "data:"),
            f->data_uri_type), ";base64,");
  r->prefix_sent = TRUE;
  while (i < n) {
    gsize k = n - i;

    if (line) {
      if (r->chars > 0 && r->chars % line == 0)
        *o++ = '\n';
      k = MIN (k, line - r->chars % line);
    }
    memcpy (o, self->scratch->data + i, k);
    o += k;
    i += k;
    r->chars += k;
  }
  if (last && f->newline)
    *o++ = '\n';
  g_assert ((gsize) (o - map.data) == total);
  gst_buffer_unmap (outbuf, &map);

  if (inbuf) {
    gst_buffer_copy_into (outbuf, inbuf, GST_BUFFER_COPY_FLAGS |
        GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
    gst_buffer_foreach_meta (inbuf, gst_base64enc_copy_meta, outbuf);
  }
  return gst_pad_push (self->srcpad, outbuf);
}

/* records=stream: @len bytes more of the record (opened with the settings
 * @s if it is not yet). The whole groups they complete are sent now; the
 * 1 or 2 bytes left wait for the next buffer or the end. */
static GstFlowReturn
gst_base64enc_stream (GstBase64enc * self, const GstBase64encSettings * s,
    const guint8 * data, gsize len, GstBuffer * inbuf)
{
  GstBase64encRecord *r = &self->record;
  unsigned flags;
  gsize groups, take, whole, n = 0;

  if (len == 0)
    return GST_FLOW_OK;
  if (!r->open) {
    r->open = TRUE;
    r->format.data_uri_type = s->data_uri ? g_strdup (self->content_type ?
        self->content_type : UNKNOWN_CONTENT_TYPE) : NULL;
    r->format.url_safe = s->url_safe;
    r->format.line_length = s->line_length;
    r->format.newline = s->newline;
  }
  flags = gst_base64enc_flags (&r->format);

  groups = (r->n_carry + len) / 3;
  if (groups == 0) {
    memcpy (r->carry + r->n_carry, data, len);
    r->n_carry += len;
    return GST_FLOW_OK;
  }
  g_byte_array_set_size (self->scratch, groups * 4);
  if (r->n_carry > 0) {
    guint8 group[3];

    take = 3 - r->n_carry;
    memcpy (group, r->carry, r->n_carry);
    memcpy (group + r->n_carry, data, take);
    n = imcore_base64_encode (group, 3, (char *) self->scratch->data, flags,
        0);
    data += take;
    len -= take;
  }
  whole = len / 3 * 3;
  if (whole > 0)
    n += imcore_base64_encode (data, whole,
        (char *) self->scratch->data + n, flags, 0);
  r->n_carry = len - whole;
  memcpy (r->carry, data + whole, r->n_carry);
  return gst_base64enc_push_piece (self, n, FALSE, inbuf);
}

/* records=stream: the open record ends (EOS, or records=buffer from now
 * on): its last group with its padding, and the newline, are sent. */
static GstFlowReturn
gst_base64enc_end_record (GstBase64enc * self)
{
  GstBase64encRecord *r = &self->record;
  GstFlowReturn ret;
  gsize n = 0;

  if (!r->open)
    return GST_FLOW_OK;
  if (r->n_carry > 0) {
    g_byte_array_set_size (self->scratch, 4);
    n = imcore_base64_encode (r->carry, r->n_carry,
        (char *) self->scratch->data, gst_base64enc_flags (&r->format), 0);
  }
  ret = gst_base64enc_push_piece (self, n, TRUE, NULL);
  gst_base64enc_drop_record (self);
  return ret;
}

static GstFlowReturn
gst_base64enc_chain (GstPad * pad, GstObject * parent, GstBuffer * inbuf)
{
  GstBase64enc *self = GST_BASE64ENC (parent);
  GstBase64encSettings s;
  GstImBase64Format format;
  GstBuffer *outbuf;
  GstMapInfo map;
  GError *error = NULL;
  GstFlowReturn ret;
  gboolean data_uri;

  GST_OBJECT_LOCK (self);
  s = self->settings;
  GST_OBJECT_UNLOCK (self);

  /* an open record keeps the format it started with */
  data_uri = self->record.open ? self->record.format.data_uri_type != NULL :
      s.data_uri;
  if (!gst_base64enc_ensure_caps (self, data_uri)) {
    gst_buffer_unref (inbuf);
    if (GST_PAD_IS_FLUSHING (self->srcpad))
      return GST_FLOW_FLUSHING;
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("downstream refused application/x-base64 with content-type %s and "
            "data-uri=%s", self->content_type ? self->content_type :
            UNKNOWN_CONTENT_TYPE, data_uri ? "true" : "false"));
    return GST_FLOW_NOT_NEGOTIATED;
  }

  if (!gst_buffer_map (inbuf, &map, GST_MAP_READ)) {
    GST_ELEMENT_WARNING (self, STREAM, FAILED, ("Cannot read a buffer"),
        ("mapping an input buffer of %" G_GSIZE_FORMAT " bytes failed; "
            "buffer dropped", gst_buffer_get_size (inbuf)));
    gst_buffer_unref (inbuf);
    return GST_FLOW_OK;
  }
  if (s.records == GST_BASE64ENC_RECORDS_STREAM) {
    ret = gst_base64enc_stream (self, &s, map.data, map.size, inbuf);
    gst_buffer_unmap (inbuf, &map);
    gst_buffer_unref (inbuf);
    return ret;
  }

  /* records=buffer from now on: a record left open by records=stream ends
   * first */
  ret = gst_base64enc_end_record (self);
  if (ret != GST_FLOW_OK) {
    gst_buffer_unmap (inbuf, &map);
    gst_buffer_unref (inbuf);
    return ret;
  }
  if (data_uri != s.data_uri && !gst_base64enc_ensure_caps (self,
          s.data_uri)) {
    gst_buffer_unmap (inbuf, &map);
    gst_buffer_unref (inbuf);
    return GST_PAD_IS_FLUSHING (self->srcpad) ? GST_FLOW_FLUSHING :
        GST_FLOW_NOT_NEGOTIATED;
  }
  format.data_uri_type = s.data_uri ? (self->content_type ?
      self->content_type : UNKNOWN_CONTENT_TYPE) : NULL;
  format.url_safe = s.url_safe;
  format.line_length = s.line_length;
  format.newline = s.newline;
  outbuf = gst_im_base64_encode (map.data, map.size, &format, &error);
  gst_buffer_unmap (inbuf, &map);
  if (!outbuf) {
    GST_ELEMENT_ERROR (self, RESOURCE, NO_SPACE_LEFT, (NULL), ("%s",
            error->message));
    g_error_free (error);
    gst_buffer_unref (inbuf);
    return GST_FLOW_ERROR;
  }

  gst_buffer_copy_into (outbuf, inbuf, GST_BUFFER_COPY_FLAGS |
      GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  gst_buffer_foreach_meta (inbuf, gst_base64enc_copy_meta, outbuf);
  gst_buffer_unref (inbuf);
  return gst_pad_push (self->srcpad, outbuf);
}

static gboolean
gst_base64enc_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstBase64enc *self = GST_BASE64ENC (parent);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      GstStructure *st;
      gboolean data_uri, ok;

      gst_event_parse_caps (event, &caps);
      st = gst_caps_get_size (caps) > 0 ? gst_caps_get_structure (caps, 0) :
          NULL;
      g_free (self->content_type);
      self->content_type = st ? g_strdup (gst_structure_get_name (st)) : NULL;
      gst_event_unref (event);

      GST_OBJECT_LOCK (self);
      data_uri = self->settings.data_uri;
      GST_OBJECT_UNLOCK (self);
      self->caps_pushed = FALSE;
      ok = gst_base64enc_ensure_caps (self, data_uri);
      return ok;
    }
    case GST_EVENT_FLUSH_STOP:
      gst_im_held_events_clear (&self->held);
      /* records=stream: the text sent so far stays cut; the next bytes
       * start a new record */
      gst_base64enc_drop_record (self);
      break;
    case GST_EVENT_EOS:
      /* records=stream: the record's end goes before EOS */
      gst_base64enc_end_record (self);
      /* no buffer ever came: let the held events out first */
      gst_im_held_events_push (&self->held, self->srcpad);
      break;
    default:
      if (gst_im_held_events_hold (&self->held, self->srcpad, event))
        return TRUE;
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static void
gst_base64enc_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstBase64enc *self = GST_BASE64ENC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DATA_URI:
      self->settings.data_uri = g_value_get_boolean (value);
      break;
    case PROP_URL_SAFE:
      self->settings.url_safe = g_value_get_boolean (value);
      break;
    case PROP_LINE_LENGTH:
      self->settings.line_length = g_value_get_uint (value);
      break;
    case PROP_NEWLINE:
      self->settings.newline = g_value_get_boolean (value);
      break;
    case PROP_RECORDS:
      self->settings.records = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_base64enc_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstBase64enc *self = GST_BASE64ENC (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_DATA_URI:
      g_value_set_boolean (value, self->settings.data_uri);
      break;
    case PROP_URL_SAFE:
      g_value_set_boolean (value, self->settings.url_safe);
      break;
    case PROP_LINE_LENGTH:
      g_value_set_uint (value, self->settings.line_length);
      break;
    case PROP_NEWLINE:
      g_value_set_boolean (value, self->settings.newline);
      break;
    case PROP_RECORDS:
      g_value_set_enum (value, self->settings.records);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}
