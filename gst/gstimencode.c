/* gst-imencode: the imencode element
 * Copyright (C) 2026 gst-imencode contributors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/**
 * SECTION:element-imencode
 * @title: imencode
 *
 * Crops, resizes and encodes raw video frames to JPEG or PNG in memory, one
 * complete file per output buffer, optionally as base64 text or a data URI.
 * Every output buffer carries the input frame's timestamps and an
 * `ImencodeMeta` custom meta with the source rectangle (x, y, width,
 * height) and the frame size (frame-width, frame-height).
 *
 * The output format and encoding follow the properties, or downstream caps
 * when they are left at auto. With width and height at 0, a downstream
 * capsfilter that fixes a size makes imencode scale to it.
 *
 * ## Example launch lines
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=10 ! imencode quality=90 ! \
 *     multifilesink location=frame-%03d.jpg
 * gst-launch-1.0 videotestsrc num-buffers=1 ! imencode ! image/png ! \
 *     filesink location=frame.png
 * gst-launch-1.0 videotestsrc num-buffers=1 ! \
 *     imencode crop-x=100 crop-y=50 crop-width=320 crop-height=240 \
 *     width=160 encoding=data-uri ! fdsink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstimencode.h"
#include "gstimencodeelements.h"
#include "gstimencodeevent.h"
#include "gstimencodegate.h"
#include "gstimencodemeta.h"
#include "gstimencodenegotiate.h"
#include "gstimencodeplan.h"
#include "gstimencodetracks.h"
#include "gstimencodeworker.h"
#include "gstimbase64.h"
#include "gstimoutputpools.h"
#include "gstimpad.h"
#include "gstimvideo.h"
#include "gstimworkpool.h"

GST_DEBUG_CATEGORY (gst_imencode_debug);
#define GST_CAT_DEFAULT gst_imencode_debug

#define DEFAULT_FORMAT GST_IMENCODE_FORMAT_AUTO
#define DEFAULT_ENCODING GST_IMENCODE_ENCODING_AUTO
#define DEFAULT_QUALITY 85
#define DEFAULT_SUBSAMPLING GST_IMENCODE_SUBSAMPLING_AUTO
#define DEFAULT_COMPRESSION_LEVEL 1
#define DEFAULT_CROP 0
#define DEFAULT_SIZE 0
#define DEFAULT_METHOD GST_IMENCODE_METHOD_BILINEAR
#define DEFAULT_ASPECT_MODE GST_IMENCODE_ASPECT_MODE_STRETCH
#define DEFAULT_PAD_COLOR 0xff000000
#define DEFAULT_THREADS 0
#define MAX_THREADS 64
#define DEFAULT_ROI_TYPE NULL
#define DEFAULT_ROI_MARGIN 0.0
#define DEFAULT_MIN_CONFIDENCE 0.0
#define DEFAULT_MAX_RATE_N 0
#define DEFAULT_MAX_RATE_D 1
#define DEFAULT_ON_DEMAND FALSE
#define DEFAULT_ROI_SELECT GST_IMENCODE_ROI_SELECT_EVERY
#define DEFAULT_ROI_BEST_TIMEOUT (60 * GST_SECOND)

/* Tracks held at once by roi-select first/best (each best one keeps one
 * encoded image); a new track beyond that evicts the least recently seen. */
#define MAX_TRACKS 256

/* Input frames held by the encoder threads at most, in bytes (2 x threads
 * 4K RGBA frames would otherwise be gigabytes with many cores). */
#define MAX_BYTES_IN_FLIGHT (G_GUINT64_CONSTANT (256) << 20)

/* Encoded files larger than this are refused: an output buffer (a
 * GstBufferPool's) holds at most 2 GiB. */
#define MAX_ENCODED_BYTES ((gsize) 1 << 30)

/* Outputs larger than this many pixels are refused: their scratch memory
 * alone would be gigabytes. */
#define MAX_OUTPUT_PIXELS (G_GUINT64_CONSTANT (1) << 28)

enum
{
  PROP_0,
  PROP_FORMAT,
  PROP_ENCODING,
  PROP_QUALITY,
  PROP_SUBSAMPLING,
  PROP_COMPRESSION_LEVEL,
  PROP_CROP_X,
  PROP_CROP_Y,
  PROP_CROP_WIDTH,
  PROP_CROP_HEIGHT,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_METHOD,
  PROP_ASPECT_MODE,
  PROP_PAD_COLOR,
  PROP_THREADS,
  PROP_ROI_TYPE,
  PROP_ROI_MARGIN,
  PROP_MIN_CONFIDENCE,
  PROP_MAX_RATE,
  PROP_ON_DEMAND,
  PROP_ROI_SELECT,
  PROP_ROI_BEST_TIMEOUT,
};

enum
{
  SIGNAL_SNAPSHOT,
  LAST_SIGNAL
};

static guint gst_imencode_signals[LAST_SIGNAL];

/* Warnings posted once until the condition clears. */
typedef enum
{
  WARNED_EMPTY_CROP = 1 << 0,
  WARNED_TOO_LARGE = 1 << 1,
  WARNED_ENCODE = 1 << 2,
  WARNED_MAP = 1 << 3,
  WARNED_ROI_OUTSIDE = 1 << 4,
  WARNED_ROI_EMPTY_CROP = 1 << 5,
  WARNED_TRACKS_FULL = 1 << 6,
} GstImencodeWarned;

/* What a job does when its turn comes. */
typedef enum
{
  GST_IMENCODE_JOB_PUSH,        /* push the encoded image */
  GST_IMENCODE_JOB_KEEP,        /* keep it as a track's candidate */
  GST_IMENCODE_JOB_RELEASE,     /* push a track's kept candidate, if any */
} GstImencodeJobKind;

/* One frame on its way through the encoder: filled by the streaming
 * thread, encoded by a worker (or the streaming thread with threads=1),
 * pushed in input order. Lives in the work pool's slots. */
typedef struct
{
  GstBuffer *inbuf;             /* released as soon as it is encoded */
  GstVideoInfo info;
  GstImencodeJob job;           /* the file to encode */
  GstImencodeText text;         /* what the output buffer holds of it */
  GstClockTime pts, dts, duration;
  gboolean discont;
  GstImencodeJobKind kind;
  guint slot;                   /* KEEP and RELEASE: the track's slot */
  GstImencodeImage image;       /* the region it shows, if any */
  GstClockTime utc;             /* the frame's reference time, for JSON */
  gsize file_bound;             /* worst-case size of the encoded file */
  gboolean timed;               /* on a worker, and not among a new pool's
                                 * first jobs (which pay for its set-up) */
  gint64 encode_us;             /* how long encoding it took */
  /* a worst-case sized buffer from the output pool, then the result */
  GstBuffer *outbuf;
  GstImencodeWarned failed;     /* no outbuf: which warning */
  GError *error;
} GstImencodeFrame;

/* One encoding thread's state (a worker thread, or the streaming thread
 * with threads=1): the encoder and the memory each image is encoded into
 * before its bytes (or their text) go into an output buffer of their own
 * size. Grown as needed, reused from image to image. */
typedef struct
{
  GstImencodeWorker *worker;
  guint8 *encoded;              /* the file */
  gsize encoded_size;
  guint8 *head;                 /* a JSON event's head */
  gsize head_size;
} GstImencodeThread;

static GstImencodeThread *
gst_imencode_thread_new (void)
{
  GstImencodeThread *t = g_new0 (GstImencodeThread, 1);

  t->worker = gst_imencode_worker_new ();
  return t;
}

static void
gst_imencode_thread_free (GstImencodeThread * t)
{
  if (!t)
    return;
  gst_imencode_worker_free (t->worker);
  g_free (t->encoded);
  g_free (t->head);
  g_free (t);
}

struct _GstImencode
{
  GstElement parent;

  GstPad *sinkpad;
  GstPad *srcpad;

  /* under the object lock */
  GstImencodeSettings settings;
  gchar *roi_type;              /* as set, for reading back */
  gint fps_n, fps_d;            /* of the input, for the latency */
  gsize frame_size;             /* of the input, for the frames in flight */
  gboolean live;                /* upstream said so in a latency query */
  guint latency_frames;         /* frame durations reported with threads */

  /* streaming thread only, but for the gate's snapshot counter */
  GstImencodeGate gate;
  GstVideoInfo in_info;
  gboolean have_info;
  GstImencodeNegotiated neg;
  gboolean negotiated;
  gboolean refused;             /* refused_req failed, an error was posted */
  GstImencodeRequest refused_req;
  GArray *regions;              /* GstImencodeRegion, reused per frame */
  GArray *images;               /* GstImencodeImage, reused per frame */
  GstImencodeTracks tracks;     /* roi-select first/best */
  guint due_slots[MAX_TRACKS];  /* scratch for gst_imencode_tracks_expire */

  /* in-order finish only (workers in turn, or the streaming thread while
   * no finish runs: flush-stop, reset) */
  GstBuffer *kept[MAX_TRACKS];  /* best candidates, by track slot */
  GstCaps *unix_caps, *ntp_caps;        /* reference timestamp kinds */
  GstImHeldEvents held;         /* serialized events waiting for src caps */
  gboolean flow_reported;       /* the pool's kept flow went upstream */
  GstImencodeThread *thread;    /* threads=1 */
  GstImWorkPool *pool;          /* threads>1; set and freed by the streaming
                                 * thread, flushed from any */
  guint64 pool_jobs;            /* submitted to this pool */
  GstImOutputPools *outpools;   /* output buffers by size class */

  /* any thread, atomically */
  guint warned;
};

#define gst_imencode_parent_class parent_class
G_DEFINE_TYPE (GstImencode, gst_imencode, GST_TYPE_ELEMENT);
GST_ELEMENT_REGISTER_DEFINE (imencode, "imencode", GST_RANK_NONE,
    GST_TYPE_IMENCODE);

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS (GST_VIDEO_CAPS_MAKE (GST_IM_VIDEO_SINK_FORMATS)));

#define SRC_CAPS_FIELDS \
    "width = (int) [ 1, MAX ], height = (int) [ 1, MAX ], " \
    "framerate = (fraction) [ 0/1, MAX ]"
/* region mode: each image's size is in its meta, none in the caps */
#define SRC_CAPS_REGION_FIELDS "framerate = (fraction) [ 0/1, MAX ]"
#define SRC_CAPS_BASE64 "application/x-base64, " \
    "content-type = (string) { image/jpeg, image/png }, " \
    "data-uri = (boolean) { false, true }, "

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC,
    GST_PAD_ALWAYS,
    GST_STATIC_CAPS ("image/jpeg, " SRC_CAPS_FIELDS "; "
        "image/png, " SRC_CAPS_FIELDS "; "
        SRC_CAPS_BASE64 SRC_CAPS_FIELDS "; "
        "image/jpeg, " SRC_CAPS_REGION_FIELDS "; "
        "image/png, " SRC_CAPS_REGION_FIELDS "; "
        SRC_CAPS_BASE64 SRC_CAPS_REGION_FIELDS "; "
        "application/x-json, "
        "content-type = (string) { image/jpeg, image/png }"));

static void gst_imencode_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec);
static void gst_imencode_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec);
static void gst_imencode_finalize (GObject * object);
static GstStateChangeReturn gst_imencode_change_state (GstElement * element,
    GstStateChange transition);
static GstFlowReturn gst_imencode_chain (GstPad * pad, GstObject * parent,
    GstBuffer * buf);
static gboolean gst_imencode_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_imencode_sink_query (GstPad * pad, GstObject * parent,
    GstQuery * query);
static gboolean gst_imencode_src_event (GstPad * pad, GstObject * parent,
    GstEvent * event);
static gboolean gst_imencode_src_query (GstPad * pad, GstObject * parent,
    GstQuery * query);

static void gst_imencode_request_snapshot (GstImencode * self);
static GstFlowReturn gst_imencode_release_slot (GstImencode * self,
    guint slot);

static void
gst_imencode_class_init (GstImencodeClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
      GST_PARAM_MUTABLE_PLAYING;

  gobject_class->set_property = gst_imencode_set_property;
  gobject_class->get_property = gst_imencode_get_property;
  gobject_class->finalize = gst_imencode_finalize;

  g_object_class_install_property (gobject_class, PROP_FORMAT,
      g_param_spec_enum ("format", "Format",
          "Image format to write; auto picks what downstream caps accept, "
          "JPEG first", GST_TYPE_IMENCODE_FORMAT, DEFAULT_FORMAT, rw));
  g_object_class_install_property (gobject_class, PROP_ENCODING,
      g_param_spec_enum ("encoding", "Encoding",
          "How the image is carried: the file's bytes, base64 text, a "
          "base64 data URI, or a JSON event (one line) with the base64 "
          "image inside; auto is binary unless downstream accepts only "
          "application/x-base64 or application/x-json",
          GST_TYPE_IMENCODE_ENCODING,
          DEFAULT_ENCODING, rw));
  g_object_class_install_property (gobject_class, PROP_QUALITY,
      g_param_spec_int ("quality", "Quality",
          "JPEG quality on libjpeg's scale (higher is better and larger)",
          1, 100, DEFAULT_QUALITY, rw));
  g_object_class_install_property (gobject_class, PROP_SUBSAMPLING,
      g_param_spec_enum ("subsampling", "Subsampling",
          "JPEG chroma subsampling; auto is 4:2:0, or gray for GRAY8 input",
          GST_TYPE_IMENCODE_SUBSAMPLING, DEFAULT_SUBSAMPLING, rw));
  g_object_class_install_property (gobject_class, PROP_COMPRESSION_LEVEL,
      g_param_spec_int ("compression-level", "Compression level",
          "PNG deflate level (libdeflate's of the same number): 0 stores, "
          "1 is fastest, 9 is smallest", 0, 9, DEFAULT_COMPRESSION_LEVEL, rw));
  g_object_class_install_property (gobject_class, PROP_CROP_X,
      g_param_spec_uint ("crop-x", "Crop X",
          "Left edge of the crop rectangle, in input pixels",
          0, G_MAXUINT, DEFAULT_CROP, rw));
  g_object_class_install_property (gobject_class, PROP_CROP_Y,
      g_param_spec_uint ("crop-y", "Crop Y",
          "Top edge of the crop rectangle, in input pixels",
          0, G_MAXUINT, DEFAULT_CROP, rw));
  g_object_class_install_property (gobject_class, PROP_CROP_WIDTH,
      g_param_spec_uint ("crop-width", "Crop width",
          "Width of the crop rectangle (0 = up to the frame's right edge); "
          "a rectangle sticking out of the frame is clipped",
          0, G_MAXUINT, DEFAULT_CROP, rw));
  g_object_class_install_property (gobject_class, PROP_CROP_HEIGHT,
      g_param_spec_uint ("crop-height", "Crop height",
          "Height of the crop rectangle (0 = down to the frame's bottom "
          "edge); a rectangle sticking out of the frame is clipped",
          0, G_MAXUINT, DEFAULT_CROP, rw));
  g_object_class_install_property (gobject_class, PROP_WIDTH,
      g_param_spec_uint ("width", "Width",
          "Output width (0 with height 0 = the crop's size; 0 with a height "
          "= keep the crop's aspect ratio)", 0, G_MAXUINT, DEFAULT_SIZE, rw));
  g_object_class_install_property (gobject_class, PROP_HEIGHT,
      g_param_spec_uint ("height", "Height",
          "Output height (0 with width 0 = the crop's size; 0 with a width "
          "= keep the crop's aspect ratio)", 0, G_MAXUINT, DEFAULT_SIZE, rw));
  g_object_class_install_property (gobject_class, PROP_METHOD,
      g_param_spec_enum ("method", "Method", "Resampling method for resizing",
          GST_TYPE_IMENCODE_METHOD, DEFAULT_METHOD, rw));
  g_object_class_install_property (gobject_class, PROP_ASPECT_MODE,
      g_param_spec_enum ("aspect-mode", "Aspect mode",
          "What to do when width x height has another shape than the crop",
          GST_TYPE_IMENCODE_ASPECT_MODE, DEFAULT_ASPECT_MODE, rw));
  g_object_class_install_property (gobject_class, PROP_PAD_COLOR,
      g_param_spec_uint ("pad-color", "Pad color",
          "Letterbox border colour as 0xAARRGGBB (alpha is used by PNG "
          "output with an alpha channel)", 0, G_MAXUINT, DEFAULT_PAD_COLOR,
          rw));
  g_object_class_install_property (gobject_class, PROP_THREADS,
      g_param_spec_uint ("threads", "Threads",
          "Encoder threads (0 = one per CPU core, 1 = encode in the "
          "streaming thread). With more than one, frames are encoded in "
          "parallel, up to twice as many in flight as threads (and at most "
          "256 MiB of input frames), and still come out in input order; on "
          "a live source that adds one frame duration of latency, more only "
          "if a frame takes longer to encode", 0, MAX_THREADS,
          DEFAULT_THREADS, rw));
  g_object_class_install_property (gobject_class, PROP_ROI_TYPE,
      g_param_spec_string ("roi-type", "ROI type",
          "Region mode when set: one image per region of interest on the "
          "frame (GstVideoRegionOfInterestMeta, and object detections of "
          "the analytics relation meta when built with GStreamer's "
          "analytics library) whose type or label is in this "
          "comma-separated list; \"*\" = every region. crop-*, width, "
          "height and aspect-mode then apply to each region, crop-* "
          "relative to it, and output caps carry no size (each image's is "
          "in its ImencodeMeta). Unset (NULL): the whole frame",
          DEFAULT_ROI_TYPE, rw));
  g_object_class_install_property (gobject_class, PROP_ROI_MARGIN,
      g_param_spec_double ("roi-margin", "ROI margin",
          "Grow each region by this fraction of its width (left and right) "
          "and height (top and bottom), clipped to the frame", 0.0, 1.0,
          DEFAULT_ROI_MARGIN, rw));
  g_object_class_install_property (gobject_class, PROP_MIN_CONFIDENCE,
      g_param_spec_double ("min-confidence", "Minimum confidence",
          "Skip regions whose detector confidence is known and below this",
          0.0, 1.0, DEFAULT_MIN_CONFIDENCE, rw));
  g_object_class_install_property (gobject_class, PROP_ROI_SELECT,
      g_param_spec_enum ("roi-select", "ROI select",
          "Region mode: every matching region of every frame; first: one "
          "image per track, when it first matches; best: one image per "
          "track, its best view (inside the frame beats cut by an edge, "
          "then the larger area x confidence), sent when the track ends "
          "(unseen for 1 s of stream time, or lost), after "
          "roi-best-timeout, or at EOS. A region without a track id is a "
          "track of its own", GST_TYPE_IMENCODE_ROI_SELECT,
          DEFAULT_ROI_SELECT, rw));
  g_object_class_install_property (gobject_class, PROP_ROI_BEST_TIMEOUT,
      g_param_spec_uint64 ("roi-best-timeout", "ROI best timeout",
          "With roi-select=best, a track still in view sends its best image "
          "after this much stream time (ns) and starts a new best; 0 = only "
          "when the track ends", 0, G_MAXUINT64, DEFAULT_ROI_BEST_TIMEOUT,
          rw));
  g_object_class_install_property (gobject_class, PROP_MAX_RATE,
      gst_param_spec_fraction ("max-rate", "Maximum rate",
          "Encode at most this many frames per second of stream time: a "
          "frame is skipped when the last one encoded is less than "
          "1/max-rate earlier (restarts with each segment and after a "
          "flushing seek); 0/1 = every frame", 0, 1, G_MAXINT, 1,
          DEFAULT_MAX_RATE_N, DEFAULT_MAX_RATE_D, rw));
  g_object_class_install_property (gobject_class, PROP_ON_DEMAND,
      g_param_spec_boolean ("on-demand", "On demand",
          "Encode only the next frame after each \"snapshot\" action "
          "signal (signals are counted, and may come before PLAYING)",
          DEFAULT_ON_DEMAND, rw));

  /**
   * GstImencode::snapshot:
   * @imencode: the element
   *
   * With on-demand=true, asks for the next frame to be encoded (in region
   * mode: its regions). Requests are counted: N signals give the next N
   * frames. Thread-safe; may be emitted in any state, also before
   * PLAYING.
   */
  gst_imencode_signals[SIGNAL_SNAPSHOT] =
      g_signal_new_class_handler ("snapshot", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      G_CALLBACK (gst_imencode_request_snapshot), NULL, NULL, NULL,
      G_TYPE_NONE, 0);

  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);
  gst_element_class_set_static_metadata (element_class,
      "Image encoder", "Codec/Encoder/Image",
      "Crops, resizes and encodes raw video frames to JPEG or PNG images, "
      "or their base64 / data URI text, one image per buffer",
      "gst-imencode contributors");

  element_class->change_state = GST_DEBUG_FUNCPTR (gst_imencode_change_state);

  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_FORMAT, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_ENCODING, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_SUBSAMPLING, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_METHOD, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_ASPECT_MODE, 0);
  gst_type_mark_as_plugin_api (GST_TYPE_IMENCODE_ROI_SELECT, 0);

  GST_DEBUG_CATEGORY_INIT (gst_imencode_debug, "imencode", 0,
      "Raw video to JPEG/PNG/base64 encoder");
}

static void
gst_imencode_init (GstImencode * self)
{
  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imencode_chain));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imencode_sink_event));
  gst_pad_set_query_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_imencode_sink_query));
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_event_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_imencode_src_event));
  gst_pad_set_query_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_imencode_src_query));
  gst_pad_use_fixed_caps (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);

  self->settings.format = DEFAULT_FORMAT;
  self->settings.encoding = DEFAULT_ENCODING;
  self->settings.quality = DEFAULT_QUALITY;
  self->settings.subsampling = DEFAULT_SUBSAMPLING;
  self->settings.compression_level = DEFAULT_COMPRESSION_LEVEL;
  self->settings.method = DEFAULT_METHOD;
  self->settings.aspect_mode = DEFAULT_ASPECT_MODE;
  self->settings.pad_color = DEFAULT_PAD_COLOR;
  self->settings.threads = DEFAULT_THREADS;
  self->settings.roi_filter = NULL;
  self->settings.roi_margin = DEFAULT_ROI_MARGIN;
  self->settings.min_confidence = DEFAULT_MIN_CONFIDENCE;
  self->settings.max_rate_n = DEFAULT_MAX_RATE_N;
  self->settings.max_rate_d = DEFAULT_MAX_RATE_D;
  self->settings.on_demand = DEFAULT_ON_DEMAND;
  self->settings.roi_select = DEFAULT_ROI_SELECT;
  self->settings.roi_best_timeout = DEFAULT_ROI_BEST_TIMEOUT;
  gst_imencode_tracks_init (&self->tracks, MAX_TRACKS);

  gst_imencode_gate_init (&self->gate);
  self->regions = g_array_new (FALSE, FALSE, sizeof (GstImencodeRegion));
  self->images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));
  self->outpools = gst_im_output_pools_new ();
  self->unix_caps = gst_caps_new_empty_simple ("timestamp/x-unix");
  self->ntp_caps = gst_caps_new_empty_simple ("timestamp/x-ntp");
}

/* Encoder threads for the threads setting @threads (0 = one per core). */
static guint
gst_imencode_effective_threads (guint threads)
{
  return threads ? threads : MIN (g_get_num_processors (), MAX_THREADS);
}

/* Frames in flight for @threads encoder threads and input frames of
 * @frame_size bytes (0: unknown): twice as many as threads, so that every
 * worker finds its next frame waiting while an earlier one is still being
 * pushed or a slower one holds up the order, but no more than
 * MAX_BYTES_IN_FLIGHT of input frames (at least two, though). */
static guint
gst_imencode_frames_in_flight (guint threads, gsize frame_size)
{
  guint n = threads > 1 ? 2 * threads : 1;

  if (n > 2 && frame_size > 0)
    n = CLAMP (MAX_BYTES_IN_FLIGHT / frame_size, 2, n);
  return n;
}

/* Replaces the work pool by @pool (NULL = none) and frees the old one,
 * which must be drained or flushing. */
static void
gst_imencode_set_pool (GstImencode * self, GstImWorkPool * pool)
{
  GstImWorkPool *old;

  GST_OBJECT_LOCK (self);
  old = self->pool;
  self->pool = pool;
  GST_OBJECT_UNLOCK (self);
  gst_im_work_pool_free (old);
}

/* Starts or stops dropping the frames in flight (any thread). */
static void
gst_imencode_set_flushing (GstImencode * self, gboolean flushing)
{
  GST_OBJECT_LOCK (self);
  if (self->pool && flushing)
    gst_im_work_pool_set_flushing (self->pool, TRUE);
  GST_OBJECT_UNLOCK (self);
  /* flush-stop runs under the sink pad's stream lock (from the streaming
   * thread, a seeking thread or a worker pushing), so the streaming thread,
   * which alone replaces the pool, is not in chain: no lock needed to wait
   * for the workers */
  if (self->pool && !flushing)
    gst_im_work_pool_set_flushing (self->pool, FALSE);
}

/* Forgets every track and drops the kept candidates: after a flush (no
 * finish is running then) or when stopping. */
static void
gst_imencode_drop_tracks (GstImencode * self)
{
  gst_imencode_tracks_clear (&self->tracks);
  for (guint i = 0; i < MAX_TRACKS; i++)
    gst_clear_buffer (&self->kept[i]);
}

static void
gst_imencode_finalize (GObject * object)
{
  GstImencode *self = GST_IMENCODE (object);

  gst_im_work_pool_free (self->pool);
  gst_imencode_thread_free (self->thread);
  gst_im_held_events_clear (&self->held);
  gst_im_output_pools_free (self->outpools);
  gst_imencode_settings_clear (&self->settings);
  g_free (self->roi_type);
  g_array_unref (self->regions);
  g_array_unref (self->images);
  gst_caps_unref (self->unix_caps);
  gst_caps_unref (self->ntp_caps);
  gst_imencode_drop_tracks (self);
  gst_imencode_tracks_free (&self->tracks);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
gst_imencode_reset (GstImencode * self)
{
  gst_imencode_set_flushing (self, TRUE);
  gst_imencode_set_pool (self, NULL);
  self->have_info = FALSE;
  self->negotiated = FALSE;
  self->refused = FALSE;
  self->flow_reported = FALSE;
  g_atomic_int_set (&self->warned, 0);
  gst_imencode_gate_reset (&self->gate);
  gst_imencode_drop_tracks (self);
  GST_OBJECT_LOCK (self);
  self->latency_frames = 0;
  GST_OBJECT_UNLOCK (self);
  gst_im_held_events_clear (&self->held);
  g_clear_pointer (&self->thread, gst_imencode_thread_free);
}

static GstStateChangeReturn
gst_imencode_change_state (GstElement * element, GstStateChange transition)
{
  GstImencode *self = GST_IMENCODE (element);
  GstStateChangeReturn ret;

  if (transition == GST_STATE_CHANGE_READY_TO_PAUSED)
    gst_imencode_reset (self);
  /* let a streaming thread waiting for room in the pool return */
  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_imencode_set_flushing (self, TRUE);

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
      gst_imencode_set_flushing (self, FALSE);
    return ret;
  }

  if (transition == GST_STATE_CHANGE_PAUSED_TO_READY)
    gst_imencode_reset (self);
  return ret;
}

/* Posts a warning once until a frame is encoded again. Called from the
 * streaming thread and from the worker that pushes. */
#define gst_imencode_warn_once(self, flag, text, ...) G_STMT_START {     \
  if (!(g_atomic_int_or (&(self)->warned, (flag)) & (flag))) {            \
    GST_ELEMENT_WARNING_WITH_DETAILS ((self), STREAM, ENCODE, (text),     \
        (__VA_ARGS__), ("imencode-warning", G_TYPE_UINT, (guint) (flag),  \
            NULL));                                                       \
  }                                                                       \
} G_STMT_END

/* ---- negotiation ---- */

/* The request the settings @s make; @image is the frame's whole-frame
 * image (NULL in region mode). */
static void
gst_imencode_make_request (GstImencode * self, const GstImencodeSettings * s,
    const GstImencodeImage * image, GstImencodeRequest * req)
{
  memset (req, 0, sizeof (*req));
  req->format = s->format;
  req->encoding = s->encoding;
  req->regions = image == NULL;
  if (image) {
    req->natural_width = image->plan.out_width;
    req->natural_height = image->plan.out_height;
    req->size_free = s->width == 0 && s->height == 0;
  }
  req->fps_n = GST_VIDEO_INFO_FPS_N (&self->in_info);
  req->fps_d = GST_VIDEO_INFO_FPS_D (&self->in_info);
}

/* Negotiates again when the request changed or downstream asked for it,
 * after the frames in flight and the tracks' kept best views (the tracks
 * then start new best periods at stream time @now) have gone out under
 * the old caps. */
static GstFlowReturn
gst_imencode_ensure_negotiated (GstImencode * self,
    const GstImencodeSettings * s, const GstImencodeImage * image,
    GstClockTime now)
{
  GstImencodeRequest req;
  gboolean reconfigure = gst_pad_check_reconfigure (self->srcpad);
  GstFlowReturn ret = GST_FLOW_OK;
  guint n;

  gst_imencode_make_request (self, s, image, &req);
  if (self->negotiated && !reconfigure &&
      gst_imencode_request_equal (&req, &self->neg.req))
    return GST_FLOW_OK;
  /* refused already, and said so: not again for every frame, until the
   * request changes or downstream asks to reconfigure */
  if (!self->negotiated && self->refused && !reconfigure &&
      gst_imencode_request_equal (&req, &self->refused_req))
    return GST_FLOW_NOT_NEGOTIATED;
  n = gst_imencode_tracks_renew (&self->tracks, now, self->due_slots);
  for (guint i = 0; i < n && ret == GST_FLOW_OK; i++)
    ret = gst_imencode_release_slot (self, self->due_slots[i]);
  if (ret != GST_FLOW_OK) {
    gst_pad_mark_reconfigure (self->srcpad);
    return ret;
  }
  if (self->pool) {
    ret = gst_im_work_pool_drain (self->pool);
    if (ret != GST_FLOW_OK) {
      gst_pad_mark_reconfigure (self->srcpad);
      return ret;
    }
  }
  self->negotiated = FALSE;
  if (!gst_imencode_negotiate (GST_ELEMENT (self), self->srcpad, &req,
          &self->neg)) {
    self->refused = TRUE;
    self->refused_req = req;
    return GST_FLOW_NOT_NEGOTIATED;
  }
  self->negotiated = TRUE;
  self->refused = FALSE;
  gst_im_held_events_push (&self->held, self->srcpad);
  return GST_FLOW_OK;
}

/* ---- per-frame planning ---- */

/* One consistent copy of the properties for a frame; release it with
 * gst_imencode_settings_clear(). */
static void
gst_imencode_read_settings (GstImencode * self, GstImencodeSettings * s)
{
  GST_OBJECT_LOCK (self);
  gst_imencode_settings_copy (s, &self->settings);
  GST_OBJECT_UNLOCK (self);
}

static ImcoreSubsampling
gst_imencode_subsampling (const GstImencodeSettings * s,
    const GstVideoInfo * info)
{
  switch (s->subsampling) {
    case GST_IMENCODE_SUBSAMPLING_444:
      return IMCORE_SUBSAMPLING_444;
    case GST_IMENCODE_SUBSAMPLING_422:
      return IMCORE_SUBSAMPLING_422;
    case GST_IMENCODE_SUBSAMPLING_420:
      return IMCORE_SUBSAMPLING_420;
    case GST_IMENCODE_SUBSAMPLING_GRAY:
      return IMCORE_SUBSAMPLING_GRAY;
    default:
      return GST_VIDEO_INFO_IS_GRAY (info) ? IMCORE_SUBSAMPLING_GRAY :
          IMCORE_SUBSAMPLING_420;
  }
}

static GstVideoResamplerMethod
gst_imencode_resampler (GstImencodeMethod m)
{
  switch (m) {
    case GST_IMENCODE_METHOD_NEAREST:
      return GST_VIDEO_RESAMPLER_METHOD_NEAREST;
    case GST_IMENCODE_METHOD_BICUBIC:
      return GST_VIDEO_RESAMPLER_METHOD_CUBIC;
    case GST_IMENCODE_METHOD_LANCZOS:
      return GST_VIDEO_RESAMPLER_METHOD_LANCZOS;
    default:
      return GST_VIDEO_RESAMPLER_METHOD_LINEAR;
  }
}

/* The input frames' size and pixel aspect ratio. */
static void
gst_imencode_frame_shape (GstImencode * self, GstImencodeFrameShape * frame)
{
  frame->width = GST_VIDEO_INFO_WIDTH (&self->in_info);
  frame->height = GST_VIDEO_INFO_HEIGHT (&self->in_info);
  frame->par_n = GST_VIDEO_INFO_PAR_N (&self->in_info);
  frame->par_d = GST_VIDEO_INFO_PAR_D (&self->in_info);
}

/* Plans the whole-frame image for @s into @image. FALSE (after a
 * warning) when there is nothing to encode. */
static gboolean
gst_imencode_plan_whole_frame (GstImencode * self,
    const GstImencodeSettings * s, GstImencodeImage * image)
{
  GstImencodeFrameShape frame;
  guint width, height;

  gst_imencode_frame_shape (self, &frame);
  width = frame.width;
  height = frame.height;
  if (gst_imencode_plan_frame (s, &frame, image))
    return TRUE;
  gst_imencode_warn_once (self, WARNED_EMPTY_CROP,
      "The crop rectangle lies outside the frame; no image is produced",
      "crop %u,%u %ux%u misses the %ux%u frame (crop-x/crop-y must be "
      "inside the frame; crop-width/crop-height 0 mean up to its edge)",
      s->crop_x, s->crop_y, s->crop_width, s->crop_height, width, height);
  return FALSE;
}

/* Fills self->images with the images @inbuf yields in region mode,
 * warning once about regions that could not be cut. */
static void
gst_imencode_plan_frame_regions (GstImencode * self,
    const GstImencodeSettings * s, GstBuffer * inbuf)
{
  GstImencodePlanSkipped skipped;
  GstImencodeFrameShape frame;

  gst_imencode_frame_shape (self, &frame);
  gst_imencode_regions_collect (inbuf, self->regions);
  gst_imencode_plan_regions (s, &frame,
      (const GstImencodeRegion *) self->regions->data, self->regions->len,
      self->images, &skipped);
  if (skipped.outside) {
    gst_imencode_warn_once (self, WARNED_ROI_OUTSIDE,
        "A region of interest lies outside the frame; it is skipped",
        "%u region(s) of this frame miss the %dx%d frame even after "
        "roi-margin", skipped.outside, GST_VIDEO_INFO_WIDTH (&self->in_info),
        GST_VIDEO_INFO_HEIGHT (&self->in_info));
  }
  if (skipped.empty_crop) {
    gst_imencode_warn_once (self, WARNED_ROI_EMPTY_CROP,
        "The crop rectangle lies outside a region of interest; the region "
        "is skipped", "crop %u,%u %ux%u (relative to each region) leaves "
        "nothing of %u region(s) of this frame", s->crop_x, s->crop_y,
        s->crop_width, s->crop_height, skipped.empty_crop);
  }
}

/* Whether an output of @w x @h fits the format's limits, else warns. */
static gboolean
gst_imencode_size_acceptable (GstImencode * self, guint w, guint h,
    gboolean png)
{
  guint max = png ? IMCORE_PNG_MAX_DIMENSION : IMCORE_JPEG_MAX_DIMENSION;

  if (w <= max && h <= max && (guint64) w * h <= MAX_OUTPUT_PIXELS)
    return TRUE;
  gst_imencode_warn_once (self, WARNED_TOO_LARGE,
      "The requested output size is too large; no image is produced",
      "%ux%u %s: the limit is %u pixels a side and %" G_GUINT64_FORMAT
      " pixels in all", w, h, png ? "PNG" : "JPEG", max, MAX_OUTPUT_PIXELS);
  return FALSE;
}

/* Whether the negotiated size is the format's limit where @plan asked for
 * more. */
static gboolean
gst_imencode_clamped_to_limit (GstImencode * self, const ImcorePlan * plan)
{
  guint max = self->neg.png ? IMCORE_PNG_MAX_DIMENSION :
      IMCORE_JPEG_MAX_DIMENSION;

  return (plan->out_width > max && self->neg.width == max) ||
      (plan->out_height > max && self->neg.height == max);
}

/* ---- encoding a frame: streaming thread, workers, in-order push ---- */

/* What the JSON event of @f says. */
static void
gst_imencode_frame_event (const GstImencodeFrame * f, GstImencodeEvent * ev)
{
  ev->pts = f->pts;
  ev->duration = f->duration;
  ev->utc = f->utc;
  ev->frame_width = GST_VIDEO_INFO_WIDTH (&f->info);
  ev->frame_height = GST_VIDEO_INFO_HEIGHT (&f->info);
  ev->box = f->job.plan.src;
  ev->image = &f->image;
  ev->png = f->job.png;
  ev->width = f->job.plan.out_width;
  ev->height = f->job.plan.out_height;
}

/* Makes *@mem hold at least @size bytes (without keeping its contents). */
static gboolean
gst_imencode_scratch (guint8 ** mem, gsize * mem_size, gsize size)
{
  if (*mem_size >= size)
    return TRUE;
  g_free (*mem);
  *mem = g_try_malloc (size);
  *mem_size = *mem ? size : 0;
  return *mem != NULL;
}

/* The base64 text format of @f's output. */
static void
gst_imencode_text_format (const GstImencodeFrame * f,
    GstImBase64Format * format)
{
  memset (format, 0, sizeof (*format));
  if (f->text == GST_IMENCODE_TEXT_DATA_URI)
    format->data_uri_type = f->job.png ? "image/png" : "image/jpeg";
}

/* Puts the encoded file (@n bytes in @t) into a new output buffer of its
 * final size, as @f's encoding wants it: the bytes, their base64 text, or
 * a JSON event around that text. */
static GstBuffer *
gst_imencode_frame_output (GstImencode * self, GstImencodeThread * t,
    GstImencodeFrame * f, gsize n)
{
  GstImBase64Format format;
  GstImencodeEvent ev;
  GstBuffer *out;
  GstMapInfo map;
  gsize head = 0, text = n, len;

  if (f->text != GST_IMENCODE_TEXT_NONE) {
    gst_imencode_text_format (f, &format);
    text = gst_im_base64_text_len (n, &format);
  }
  if (f->text == GST_IMENCODE_TEXT_JSON) {
    gst_imencode_frame_event (f, &ev);
    if (gst_imencode_scratch (&t->head, &t->head_size,
            gst_imencode_event_head_bound (&ev)))
      head = gst_imencode_event_write_head (&ev, t->head, t->head_size);
    if (head == 0) {
      g_set_error (&f->error, GST_CORE_ERROR, GST_CORE_ERROR_FAILED,
          "no memory for the event");
      return NULL;
    }
  }
  len = head + text + (head ? GST_IMENCODE_EVENT_TAIL_LEN : 0);
  out = text == G_MAXSIZE ? NULL :
      gst_im_output_pools_acquire (self->outpools, len);
  if (!out || !gst_buffer_map (out, &map, GST_MAP_WRITE)) {
    g_set_error (&f->error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot get an output buffer of %" G_GSIZE_FORMAT " bytes", len);
    gst_clear_buffer (&out);
    return NULL;
  }
  if (f->text == GST_IMENCODE_TEXT_NONE) {
    memcpy (map.data, t->encoded, n);
  } else {
    /* (no head outside JSON: t->head may never have been allocated) */
    if (head)
      memcpy (map.data, t->head, head);
    gst_im_base64_write (t->encoded, n, &format, map.data + head);
    if (head)
      memcpy (map.data + head + text, GST_IMENCODE_EVENT_TAIL,
          GST_IMENCODE_EVENT_TAIL_LEN);
  }
  gst_buffer_unmap (out, &map);
  return out;
}

/* Encodes @f (worker thread, or the streaming thread with threads=1) into
 * the thread's memory, then into an output buffer of its size: sets
 * f->outbuf, or f->failed and f->error. Releases the input. */
static void
gst_imencode_frame_process (gpointer thread_state, gpointer job,
    gpointer user_data)
{
  GstImencode *self = user_data;
  GstImencodeThread *t = thread_state;
  GstImencodeFrame *f = job;
  GstVideoFrame frame;
  gsize n = 0;
  gboolean ok;
  gint64 start = g_get_monotonic_time ();

  if (f->kind == GST_IMENCODE_JOB_RELEASE)
    return;
  if (!gst_video_frame_map (&frame, &f->info, f->inbuf, GST_MAP_READ)) {
    f->failed = WARNED_MAP;
    goto done;
  }
  /* the file first; its text, if any, straight into the output */
  ok = gst_imencode_scratch (&t->encoded, &t->encoded_size, f->file_bound);
  if (!ok)
    g_set_error (&f->error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_FAILED,
        "cannot allocate %" G_GSIZE_FORMAT " bytes to encode into",
        f->file_bound);
  else
    ok = gst_imencode_worker_encode (t->worker, &frame, &f->job, t->encoded,
        t->encoded_size, &n, &f->error);
  gst_video_frame_unmap (&frame);
  if (ok)
    f->outbuf = gst_imencode_frame_output (self, t, f, n);
  if (!f->outbuf)
    f->failed = WARNED_ENCODE;

done:
  gst_clear_buffer (&f->inbuf);
  f->encode_us = g_get_monotonic_time () - start;
}

/* Releases what @f holds; for frames dropped by a flush. */
static void
gst_imencode_frame_discard (gpointer job, gpointer user_data)
{
  GstImencodeFrame *f = job;

  gst_clear_buffer (&f->inbuf);
  gst_clear_buffer (&f->outbuf);
  g_clear_error (&f->error);
}

/* With a live source and encoder threads, raises the latency imencode
 * reports when encoding a frame took longer than the frame durations
 * reported so far, and posts a latency message so that the pipeline
 * adopts it: latency grows only when encoding really falls behind. (The
 * time a frame then waits for the frames before it is bounded by their
 * own encoding times; time spent blocked downstream is not imencode's.)
 * Runs in the finishing thread. */
static void
gst_imencode_track_latency (GstImencode * self, const GstImencodeFrame * f)
{
  gint64 taken_us;
  guint frames;
  gboolean raise = FALSE;

  if (!f->timed)
    return;
  taken_us = f->encode_us;
  GST_OBJECT_LOCK (self);
  if (self->live && self->fps_n > 0 && self->fps_d > 0) {
    /* frame durations needed, rounded up */
    frames = (guint) MIN (gst_util_uint64_scale_int_ceil (taken_us,
            self->fps_n, self->fps_d * (gint64) G_USEC_PER_SEC), 64);
    if (frames > MAX (self->latency_frames, 1)) {
      self->latency_frames = frames;
      raise = TRUE;
    }
  }
  GST_OBJECT_UNLOCK (self);
  if (raise) {
    GST_INFO_OBJECT (self, "a frame took %" G_GINT64_FORMAT " us: latency "
        "raised to %u frames", taken_us, frames);
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_latency (GST_OBJECT (self)));
  }
}

/* Pushes the encoded @f (in input order), or warns about its failure. */
static GstFlowReturn
gst_imencode_frame_finish (gpointer job, gpointer user_data)
{
  GstImencode *self = user_data;
  GstImencodeFrame *f = job;
  GstBuffer *outbuf = f->outbuf;

  f->outbuf = NULL;
  if (f->kind == GST_IMENCODE_JOB_RELEASE) {
    /* a track's best view, encoded and kept earlier */
    outbuf = self->kept[f->slot];
    self->kept[f->slot] = NULL;
    return outbuf ? gst_pad_push (self->srcpad, outbuf) : GST_FLOW_OK;
  }
  if (!outbuf) {
    if (f->failed == WARNED_MAP) {
      gst_imencode_warn_once (self, WARNED_MAP,
          "Could not read an input frame; it is dropped",
          "the buffer does not hold a %s %dx%d frame",
          gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&f->info)),
          GST_VIDEO_INFO_WIDTH (&f->info), GST_VIDEO_INFO_HEIGHT (&f->info));
    } else {
      gst_imencode_warn_once (self, WARNED_ENCODE,
          "Could not encode a frame; it is dropped", "%s",
          f->error ? f->error->message : "unknown error");
    }
    gst_imencode_frame_discard (f, self);
    return GST_FLOW_OK;
  }

  gst_imencode_track_latency (self, f);
  GST_BUFFER_PTS (outbuf) = f->pts;
  GST_BUFFER_DTS (outbuf) = f->dts;
  GST_BUFFER_DURATION (outbuf) = f->duration;
  if (f->discont)
    GST_BUFFER_FLAG_SET (outbuf, GST_BUFFER_FLAG_DISCONT);
  gst_imencode_meta_add (outbuf, &f->job.plan.src,
      GST_VIDEO_INFO_WIDTH (&f->info), GST_VIDEO_INFO_HEIGHT (&f->info),
      f->image.is_region ? &f->image.region : NULL);
  gst_imencode_frame_discard (f, self);
  /* the frame-level warnings may come again; those about regions stay
   * quiet until the next flush, as good regions come with bad ones */
  g_atomic_int_and (&self->warned, WARNED_ROI_OUTSIDE |
      WARNED_ROI_EMPTY_CROP | WARNED_TRACKS_FULL);
  if (f->kind == GST_IMENCODE_JOB_KEEP) {
    /* the track's best view so far: replaces the last one */
    gst_clear_buffer (&self->kept[f->slot]);
    self->kept[f->slot] = outbuf;
    return GST_FLOW_OK;
  }
  return gst_pad_push (self->srcpad, outbuf);
}

static gpointer
gst_imencode_thread_init (gpointer user_data)
{
  return gst_imencode_thread_new ();
}

static void
gst_imencode_thread_clear (gpointer thread_state, gpointer user_data)
{
  gst_imencode_thread_free (thread_state);
}

static const GstImWorkPoolFuncs gst_imencode_pool_funcs = {
  gst_imencode_thread_init,
  gst_imencode_thread_clear,
  gst_imencode_frame_process,
  gst_imencode_frame_finish,
  gst_imencode_frame_discard,
};

/* Makes the work pool match the threads setting @threads and the input
 * frame size: none for one thread, else a pool of that many threads and
 * frames in flight. Drains the old pool. */
static GstFlowReturn
gst_imencode_ensure_pool (GstImencode * self, guint threads)
{
  GstImWorkPool *pool;
  GstFlowReturn ret;
  guint in_flight;

  threads = gst_imencode_effective_threads (threads);
  in_flight = gst_imencode_frames_in_flight (threads,
      GST_VIDEO_INFO_SIZE (&self->in_info));
  if (threads == 1 && !self->pool)
    return GST_FLOW_OK;
  if (self->pool && gst_im_work_pool_get_n_threads (self->pool) == threads &&
      gst_im_work_pool_get_max_in_flight (self->pool) == in_flight)
    return GST_FLOW_OK;

  if (self->pool) {
    ret = gst_im_work_pool_drain (self->pool);
    if (ret != GST_FLOW_OK)
      return ret;
  }
  pool = NULL;
  if (threads > 1) {
    pool = gst_im_work_pool_new ("imencode", threads, in_flight,
        sizeof (GstImencodeFrame), &gst_imencode_pool_funcs, self);
    if (!pool)
      GST_WARNING_OBJECT (self, "no worker threads; encoding in the "
          "streaming thread");
  }
  GST_DEBUG_OBJECT (self, "%u encoder threads", pool ? threads : 1);
  gst_imencode_set_pool (self, pool);
  self->pool_jobs = 0;
  return GST_FLOW_OK;
}

/* The wall-clock time @buf was captured at, in ns since the Unix epoch,
 * from its GstReferenceTimestampMeta (timestamp/x-unix, or timestamp/x-ntp
 * as RTP sources add it); GST_CLOCK_TIME_NONE without one. */
static GstClockTime
gst_imencode_reference_utc (GstImencode * self, GstBuffer * buf)
{
  /* seconds from 1900 (NTP's epoch) to 1970 */
  const GstClockTime ntp_to_unix = G_GUINT64_CONSTANT (2208988800) *
      GST_SECOND;
  GstReferenceTimestampMeta *meta;

  meta = gst_buffer_get_reference_timestamp_meta (buf, self->unix_caps);
  if (meta)
    return meta->timestamp;
  meta = gst_buffer_get_reference_timestamp_meta (buf, self->ntp_caps);
  if (meta && meta->timestamp >= ntp_to_unix)
    return meta->timestamp - ntp_to_unix;
  return GST_CLOCK_TIME_NONE;
}

/* Hands @f to a worker, or processes and finishes it right here with
 * threads=1. @f's buffers go with it, whatever the return. */
static GstFlowReturn
gst_imencode_run_job (GstImencode * self, GstImencodeFrame * f)
{
  GstFlowReturn ret;

  if (!self->pool) {
    if (!self->thread)
      self->thread = gst_imencode_thread_new ();
    gst_imencode_frame_process (self->thread, f, self);
    return gst_imencode_frame_finish (f, self);
  }
  f->timed = self->pool_jobs >= gst_im_work_pool_get_n_threads (self->pool);
  self->pool_jobs++;
  ret = gst_im_work_pool_submit (self->pool, f);
  if (ret != GST_FLOW_OK) {
    gst_imencode_frame_discard (f, self);
    /* upstream hears of the downstream failure now */
    self->flow_reported = ret != GST_FLOW_FLUSHING;
  }
  return ret;
}

/* Pushes, in its turn, the candidate kept for track slot @slot. */
static GstFlowReturn
gst_imencode_release_slot (GstImencode * self, guint slot)
{
  GstImencodeFrame f;

  memset (&f, 0, sizeof (f));
  f.kind = GST_IMENCODE_JOB_RELEASE;
  f.slot = slot;
  return gst_imencode_run_job (self, &f);
}

/* Releases the candidates of the tracks that ended or timed out as of
 * stream time @now (every one with @eos). */
static GstFlowReturn
gst_imencode_release_tracks (GstImencode * self,
    const GstImencodeSettings * s, GstClockTime now, gboolean eos)
{
  GstFlowReturn ret = GST_FLOW_OK;
  guint n;

  if (self->tracks.n_tracks == 0)
    return GST_FLOW_OK;
  n = gst_imencode_tracks_expire (&self->tracks, s->roi_select, now,
      s->roi_best_timeout, eos, self->due_slots);
  for (guint i = 0; i < n && ret == GST_FLOW_OK; i++)
    ret = gst_imencode_release_slot (self, self->due_slots[i]);
  return ret;
}

/* Encodes @image of @inbuf (which the caller keeps) as one output
 * buffer, to push (@kind PUSH) or keep for track slot @slot (KEEP). */
static GstFlowReturn
gst_imencode_submit_image (GstImencode * self, const GstImencodeSettings * s,
    GstBuffer * inbuf, const GstImencodeImage * image,
    GstImencodeJobKind kind, guint slot)
{
  GstImencodeFrame f;
  GstImencodeJob *job = &f.job;
  gsize bound;

  if (!gst_imencode_size_acceptable (self, image->plan.out_width,
          image->plan.out_height, self->neg.png))
    return GST_FLOW_OK;

  memset (&f, 0, sizeof (f));
  job->png = self->neg.png;
  job->quality = s->quality;
  job->subsampling = gst_imencode_subsampling (s, &self->in_info);
  job->compression_level = s->compression_level;
  job->method = gst_imencode_resampler (s->method);
  job->pad_argb = s->pad_color;
  job->plan = image->plan;

  /* the worst case of the file itself, which the encoding thread encodes
   * into its own memory first */
  bound = gst_imencode_worker_bound (&self->in_info, job);
  if (bound == 0 || bound > MAX_ENCODED_BYTES) {
    gst_imencode_warn_once (self, WARNED_TOO_LARGE,
        "The requested output size is too large; no image is produced",
        "%ux%u %s: its worst-case encoded size of %" G_GSIZE_FORMAT
        " bytes is more than an output buffer can hold",
        image->plan.out_width, image->plan.out_height,
        job->png ? "PNG" : "JPEG", bound);
    return GST_FLOW_OK;
  }
  f.file_bound = bound;
  f.inbuf = gst_buffer_ref (inbuf);
  f.info = self->in_info;
  f.pts = GST_BUFFER_PTS (inbuf);
  f.dts = GST_BUFFER_DTS (inbuf);
  f.duration = GST_BUFFER_DURATION (inbuf);
  f.discont = GST_BUFFER_FLAG_IS_SET (inbuf, GST_BUFFER_FLAG_DISCONT);
  f.image = *image;
  f.kind = kind;
  f.slot = slot;
  f.text = self->neg.text;
  f.utc = f.text == GST_IMENCODE_TEXT_JSON ?
      gst_imencode_reference_utc (self, inbuf) : GST_CLOCK_TIME_NONE;
  return gst_imencode_run_job (self, &f);
}

/* Submits the images of a region-mode frame under roi-select first or
 * best (stream time @now), then releases the candidates now due. */
static GstFlowReturn
gst_imencode_submit_tracked (GstImencode * self,
    const GstImencodeSettings * s, GstBuffer * inbuf, GstClockTime now)
{
  GstImencodeImage *images = (GstImencodeImage *) self->images->data;
  GstFlowReturn ret;

  /* tracks gone or whose best period is over as of this frame first, so
   * that this frame counts in the new period */
  ret = gst_imencode_release_tracks (self, s, now, FALSE);
  for (guint i = 0; i < self->images->len && ret == GST_FLOW_OK; i++) {
    GstImencodeTrackAction action;
    gboolean evicted, release;
    guint slot = 0, release_slot = 0;

    action = gst_imencode_tracks_offer (&self->tracks, s->roi_select,
        &images[i], GST_VIDEO_INFO_WIDTH (&self->in_info),
        GST_VIDEO_INFO_HEIGHT (&self->in_info), now, &slot, &evicted,
        &release, &release_slot);
    if (evicted) {
      gst_imencode_warn_once (self, WARNED_TRACKS_FULL,
          "Too many tracks at once; the least recently seen is let go",
          "roi-select holds at most %u tracks; a new one evicts the track "
          "seen least recently (its best view so far is sent now)",
          MAX_TRACKS);
    }
    if (release)
      ret = gst_imencode_release_slot (self, release_slot);
    if (ret == GST_FLOW_OK && action == GST_IMENCODE_TRACK_PUSH)
      ret = gst_imencode_submit_image (self, s, inbuf, &images[i],
          GST_IMENCODE_JOB_PUSH, 0);
    else if (ret == GST_FLOW_OK && action == GST_IMENCODE_TRACK_KEEP)
      ret = gst_imencode_submit_image (self, s, inbuf, &images[i],
          GST_IMENCODE_JOB_KEEP, slot);
  }
  /* and tracks this frame reported lost */
  if (ret == GST_FLOW_OK)
    ret = gst_imencode_release_tracks (self, s, now, FALSE);
  return ret;
}

static GstFlowReturn
gst_imencode_chain (GstPad * pad, GstObject * parent, GstBuffer * inbuf)
{
  GstImencode *self = GST_IMENCODE (parent);
  GstImencodeSettings s;
  GstImencodeGateResult gate;
  GstImencodeImage whole;
  GstImencodeImage *images;
  guint n_images;
  GstFlowReturn ret;
  gchar why[256];

  if (!self->have_info) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("received a buffer before caps"));
    gst_buffer_unref (inbuf);
    return GST_FLOW_NOT_NEGOTIATED;
  }

  gst_imencode_read_settings (self, &s);
  ret = gst_imencode_ensure_pool (self, s.threads);
  if (ret != GST_FLOW_OK)
    goto out;

  if (!gst_im_video_buffer_holds_frame (&self->in_info, inbuf, why,
          sizeof (why))) {
    gst_imencode_warn_once (self, WARNED_MAP,
        "An input buffer does not hold the frame its caps describe; it is "
        "dropped", "%s (accepted: a buffer of at least the caps' frame "
        "size, or a GstVideoMeta of the caps' format and size whose planes "
        "lie inside the buffer)", why);
    goto out;
  }

  gate = gst_imencode_gate_check (&self->gate, GST_BUFFER_PTS (inbuf),
      GST_BUFFER_DURATION (inbuf), s.max_rate_n, s.max_rate_d, s.on_demand);
  if (gate != GST_IMENCODE_GATE_PASS && gate != GST_IMENCODE_GATE_SNAPSHOT) {
    GST_LOG_OBJECT (self, "frame %" GST_TIME_FORMAT " not encoded (%d)",
        GST_TIME_ARGS (GST_BUFFER_PTS (inbuf)), gate);
    goto out;
  }

  if (s.roi_filter) {
    gst_imencode_plan_frame_regions (self, &s, inbuf);
    images = (GstImencodeImage *) self->images->data;
    n_images = self->images->len;
    ret = gst_imencode_ensure_negotiated (self, &s, NULL,
        gst_imencode_gate_stream_time (&self->gate, GST_BUFFER_PTS (inbuf)));
  } else {
    if (!gst_imencode_plan_whole_frame (self, &s, &whole))
      goto out;
    images = &whole;
    n_images = 1;
    ret = gst_imencode_ensure_negotiated (self, &s, &whole,
        gst_imencode_gate_stream_time (&self->gate, GST_BUFFER_PTS (inbuf)));
    if (ret == GST_FLOW_OK && (self->neg.width != whole.plan.out_width ||
            self->neg.height != whole.plan.out_height)) {
      ImcoreRect crop = whole.plan.src;

      /* a size beyond the format's limit is fixated to the limit itself:
       * that is a refusal, not a choice of downstream's */
      if (gst_imencode_clamped_to_limit (self, &whole.plan) &&
          !gst_imencode_size_acceptable (self, whole.plan.out_width,
              whole.plan.out_height, self->neg.png))
        goto out;
      /* downstream chose the size: plan again for it */
      imcore_plan_output (&crop, self->neg.width, self->neg.height,
          (ImcoreAspectMode) s.aspect_mode, &whole.plan);
    }
  }
  if (ret != GST_FLOW_OK)
    goto out;

  if (s.roi_filter && s.roi_select != GST_IMENCODE_ROI_SELECT_EVERY) {
    ret = gst_imencode_submit_tracked (self, &s, inbuf,
        gst_imencode_gate_stream_time (&self->gate, GST_BUFFER_PTS (inbuf)));
    goto out;
  }
  for (guint i = 0; i < n_images && ret == GST_FLOW_OK; i++) {
    if (gate == GST_IMENCODE_GATE_SNAPSHOT)
      images[i].reason = GST_IMENCODE_REASON_SNAPSHOT;
    ret = gst_imencode_submit_image (self, &s, inbuf, &images[i],
        GST_IMENCODE_JOB_PUSH, 0);
  }
  /* tracks left from roi-select first/best still end in their time */
  if (ret == GST_FLOW_OK && s.roi_filter)
    ret = gst_imencode_release_tracks (self, &s,
        gst_imencode_gate_stream_time (&self->gate, GST_BUFFER_PTS (inbuf)),
        FALSE);

out:
  gst_imencode_settings_clear (&s);
  gst_buffer_unref (inbuf);
  return ret;
}

/* ---- events and queries ---- */

static gboolean
gst_imencode_set_input_caps (GstImencode * self, GstCaps * caps)
{
  GstVideoInfo info;
  GstImencodeSettings s;
  GstImencodeImage whole;
  gboolean ok = TRUE;

  if (!gst_video_info_from_caps (&info, caps)) {
    GST_ELEMENT_ERROR (self, CORE, NEGOTIATION, (NULL),
        ("cannot parse input caps %" GST_PTR_FORMAT, caps));
    return FALSE;
  }
  self->in_info = info;
  self->have_info = TRUE;
  GST_OBJECT_LOCK (self);
  self->fps_n = GST_VIDEO_INFO_FPS_N (&info);
  self->fps_d = GST_VIDEO_INFO_FPS_D (&info);
  self->frame_size = GST_VIDEO_INFO_SIZE (&info);
  GST_OBJECT_UNLOCK (self);

  /* Set the source caps now, so that the segment that follows goes out
   * after them; an empty crop waits for a frame that can be encoded. */
  gst_imencode_read_settings (self, &s);
  if (s.roi_filter)
    ok = gst_imencode_ensure_negotiated (self, &s, NULL,
        GST_CLOCK_TIME_NONE) == GST_FLOW_OK;
  else if (gst_imencode_plan_whole_frame (self, &s, &whole))
    ok = gst_imencode_ensure_negotiated (self, &s, &whole,
        GST_CLOCK_TIME_NONE) == GST_FLOW_OK;
  gst_imencode_settings_clear (&s);
  return ok;
}

static gboolean
gst_imencode_sink_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstImencode *self = GST_IMENCODE (parent);
  GstFlowReturn ret = GST_FLOW_OK;
  GstCaps *caps;

  /* at the end, every track's best view goes out before EOS */
  if (GST_EVENT_TYPE (event) == GST_EVENT_EOS && self->tracks.n_tracks) {
    GstImencodeSettings s;

    gst_imencode_read_settings (self, &s);
    gst_imencode_release_tracks (self, &s, GST_CLOCK_TIME_NONE, TRUE);
    gst_imencode_settings_clear (&s);
  }
  /* a serialized event follows the frames before it: let them out first */
  if (GST_EVENT_IS_SERIALIZED (event) &&
      GST_EVENT_TYPE (event) != GST_EVENT_FLUSH_STOP && self->pool)
    ret = gst_im_work_pool_drain (self->pool);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_CAPS:{
      gboolean ok;

      gst_event_parse_caps (event, &caps);
      ok = gst_imencode_set_input_caps (self, caps);
      gst_event_unref (event);
      return ok;
    }
    case GST_EVENT_FLUSH_START:
      /* drop the frames in flight before downstream unblocks our push */
      gst_imencode_set_flushing (self, TRUE);
      break;
    case GST_EVENT_FLUSH_STOP:
      gst_imencode_set_flushing (self, FALSE);
      self->flow_reported = FALSE;
      g_atomic_int_set (&self->warned, 0);
      gst_imencode_gate_flush (&self->gate);
      /* the tracks and their candidates belong to the old position */
      gst_imencode_drop_tracks (self);
      gst_im_held_events_clear (&self->held);
      break;
    case GST_EVENT_SEGMENT:{
      const GstSegment *segment;

      gst_event_parse_segment (event, &segment);
      gst_imencode_gate_set_segment (&self->gate, segment);
      /* serialized: may wait for the caps it must follow */
      if (gst_im_held_events_hold (&self->held, self->srcpad, event))
        return TRUE;
      break;
    }
    case GST_EVENT_EOS:
      /* Downstream refused a frame that upstream had already handed
       * over, and upstream never heard of it: post the error instead of
       * a clean EOS. */
      if ((ret == GST_FLOW_NOT_LINKED || ret < GST_FLOW_EOS) &&
          !self->flow_reported) {
        GST_ELEMENT_FLOW_ERROR (self, ret);
        gst_event_unref (event);
        return FALSE;
      }
      /* nothing was ever encoded: let the held events out first */
      gst_im_held_events_push (&self->held, self->srcpad);
      break;
    default:
      /* serialized events wait until the caps they must follow are out */
      if (gst_im_held_events_hold (&self->held, self->srcpad, event))
        return TRUE;
      break;
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_imencode_sink_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstImencode *self = GST_IMENCODE (parent);

  /* a serialized query (drain, allocation) follows the frames before it */
  if (GST_QUERY_IS_SERIALIZED (query) && self->pool)
    gst_im_work_pool_drain (self->pool);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_CAPS:{
      GstCaps *filter, *templ, *result;

      gst_query_parse_caps (query, &filter);
      templ = gst_pad_get_pad_template_caps (pad);
      result = filter ? gst_caps_intersect_full (filter, templ,
          GST_CAPS_INTERSECT_FIRST) : gst_caps_ref (templ);
      gst_query_set_caps_result (query, result);
      gst_caps_unref (result);
      gst_caps_unref (templ);
      return TRUE;
    }
    case GST_QUERY_ALLOCATION:{
      GstCaps *caps;
      GstVideoInfo info;
      guint in_flight;

      /* any strides and plane offsets: read through GstVideoMeta */
      gst_query_add_allocation_meta (query, GST_VIDEO_META_API_TYPE, NULL);
      /* frames in flight hold their buffers: ask upstream's pool for as
       * many as the worker pool may hold */
      gst_query_parse_allocation (query, &caps, NULL);
      if (!caps || !gst_video_info_from_caps (&info, caps))
        return TRUE;
      GST_OBJECT_LOCK (self);
      in_flight = gst_imencode_frames_in_flight
          (gst_imencode_effective_threads (self->settings.threads),
          info.size);
      GST_OBJECT_UNLOCK (self);
      if (in_flight > 1)
        gst_query_add_allocation_pool (query, NULL, info.size, in_flight, 0);
      return TRUE;
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

static gboolean
gst_imencode_src_event (GstPad * pad, GstObject * parent, GstEvent * event)
{
  GstImencode *self = GST_IMENCODE (parent);

  /* relinked: the pool may push again (as queue does) */
  if (GST_EVENT_TYPE (event) == GST_EVENT_RECONFIGURE) {
    GST_OBJECT_LOCK (self);
    if (self->pool)
      gst_im_work_pool_clear_flow (self->pool, GST_FLOW_NOT_LINKED);
    GST_OBJECT_UNLOCK (self);
  }
  return gst_pad_event_default (pad, parent, event);
}

static gboolean
gst_imencode_src_query (GstPad * pad, GstObject * parent, GstQuery * query)
{
  GstImencode *self = GST_IMENCODE (parent);

  switch (GST_QUERY_TYPE (query)) {
    case GST_QUERY_LATENCY:{
      gboolean live;
      GstClockTime min, max, frame;
      guint threads, in_flight, latency_frames;
      gint fps_n, fps_d;

      if (!gst_pad_peer_query (self->sinkpad, query))
        return FALSE;
      gst_query_parse_latency (query, &live, &min, &max);
      GST_OBJECT_LOCK (self);
      threads = gst_imencode_effective_threads (self->settings.threads);
      fps_n = self->fps_n;
      fps_d = self->fps_d;
      in_flight = gst_imencode_frames_in_flight (threads, self->frame_size);
      self->live = live;
      latency_frames = self->latency_frames;
      GST_OBJECT_UNLOCK (self);
      /* One thread adds nothing beyond the encoding time, like any filter.
       * With more, a frame leaves once it and the frames before it are
       * encoded: one frame duration while the encoders keep up; more only
       * when encoding has been seen to take longer (see
       * gst_imencode_track_latency). The pool holds at most in_flight
       * frames. */
      if (threads > 1 && fps_n > 0 && fps_d > 0) {
        frame = gst_util_uint64_scale_int (GST_SECOND, fps_d, fps_n);
        min += MAX (latency_frames, 1) * frame;
        if (GST_CLOCK_TIME_IS_VALID (max))
          max += in_flight * frame;
      }
      GST_DEBUG_OBJECT (self, "latency %" GST_TIME_FORMAT " - %"
          GST_TIME_FORMAT " with %u threads", GST_TIME_ARGS (min),
          GST_TIME_ARGS (max), threads);
      gst_query_set_latency (query, live, min, max);
      return TRUE;
    }
    default:
      return gst_pad_query_default (pad, parent, query);
  }
}

/* ---- properties and signals ---- */

/* The "snapshot" action signal: any thread, any state. */
static void
gst_imencode_request_snapshot (GstImencode * self)
{
  GST_DEBUG_OBJECT (self, "snapshot requested");
  gst_imencode_gate_request_snapshot (&self->gate);
}

static guint *
gst_imencode_uint_field (GstImencodeSettings * s, guint prop_id)
{
  switch (prop_id) {
    case PROP_CROP_X:
      return &s->crop_x;
    case PROP_CROP_Y:
      return &s->crop_y;
    case PROP_CROP_WIDTH:
      return &s->crop_width;
    case PROP_CROP_HEIGHT:
      return &s->crop_height;
    case PROP_WIDTH:
      return &s->width;
    case PROP_HEIGHT:
      return &s->height;
    case PROP_PAD_COLOR:
      return &s->pad_color;
    case PROP_THREADS:
      return &s->threads;
    default:
      return NULL;
  }
}

static void
gst_imencode_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstImencode *self = GST_IMENCODE (object);
  GstImencodeSettings *s = &self->settings;
  gboolean latency_changed = FALSE;
  guint *field;

  GST_OBJECT_LOCK (self);
  field = gst_imencode_uint_field (s, prop_id);
  if (field) {
    latency_changed = prop_id == PROP_THREADS &&
        *field != g_value_get_uint (value);
    *field = g_value_get_uint (value);
  } else {
    switch (prop_id) {
      case PROP_FORMAT:
        s->format = g_value_get_enum (value);
        break;
      case PROP_ENCODING:
        s->encoding = g_value_get_enum (value);
        break;
      case PROP_QUALITY:
        s->quality = g_value_get_int (value);
        break;
      case PROP_SUBSAMPLING:
        s->subsampling = g_value_get_enum (value);
        break;
      case PROP_COMPRESSION_LEVEL:
        s->compression_level = g_value_get_int (value);
        break;
      case PROP_METHOD:
        s->method = g_value_get_enum (value);
        break;
      case PROP_ASPECT_MODE:
        s->aspect_mode = g_value_get_enum (value);
        break;
      case PROP_ROI_TYPE:
        g_free (self->roi_type);
        self->roi_type = g_value_dup_string (value);
        gst_imencode_roi_filter_unref (s->roi_filter);
        s->roi_filter = gst_imencode_roi_filter_parse (self->roi_type);
        break;
      case PROP_ROI_MARGIN:
        s->roi_margin = g_value_get_double (value);
        break;
      case PROP_MIN_CONFIDENCE:
        s->min_confidence = g_value_get_double (value);
        break;
      case PROP_MAX_RATE:
        s->max_rate_n = gst_value_get_fraction_numerator (value);
        s->max_rate_d = gst_value_get_fraction_denominator (value);
        break;
      case PROP_ON_DEMAND:
        s->on_demand = g_value_get_boolean (value);
        break;
      case PROP_ROI_SELECT:
        s->roi_select = g_value_get_enum (value);
        break;
      case PROP_ROI_BEST_TIMEOUT:
        s->roi_best_timeout = g_value_get_uint64 (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
  }
  GST_OBJECT_UNLOCK (self);
  /* the pool's latency follows the thread count */
  if (latency_changed)
    gst_element_post_message (GST_ELEMENT (self),
        gst_message_new_latency (GST_OBJECT (self)));
}

static void
gst_imencode_get_property (GObject * object, guint prop_id, GValue * value,
    GParamSpec * pspec)
{
  GstImencode *self = GST_IMENCODE (object);
  GstImencodeSettings *s = &self->settings;
  guint *field;

  GST_OBJECT_LOCK (self);
  field = gst_imencode_uint_field (s, prop_id);
  if (field) {
    g_value_set_uint (value, *field);
  } else {
    switch (prop_id) {
      case PROP_FORMAT:
        g_value_set_enum (value, s->format);
        break;
      case PROP_ENCODING:
        g_value_set_enum (value, s->encoding);
        break;
      case PROP_QUALITY:
        g_value_set_int (value, s->quality);
        break;
      case PROP_SUBSAMPLING:
        g_value_set_enum (value, s->subsampling);
        break;
      case PROP_COMPRESSION_LEVEL:
        g_value_set_int (value, s->compression_level);
        break;
      case PROP_METHOD:
        g_value_set_enum (value, s->method);
        break;
      case PROP_ASPECT_MODE:
        g_value_set_enum (value, s->aspect_mode);
        break;
      case PROP_ROI_TYPE:
        g_value_set_string (value, self->roi_type);
        break;
      case PROP_ROI_MARGIN:
        g_value_set_double (value, s->roi_margin);
        break;
      case PROP_MIN_CONFIDENCE:
        g_value_set_double (value, s->min_confidence);
        break;
      case PROP_MAX_RATE:
        gst_value_set_fraction (value, s->max_rate_n, s->max_rate_d);
        break;
      case PROP_ON_DEMAND:
        g_value_set_boolean (value, s->on_demand);
        break;
      case PROP_ROI_SELECT:
        g_value_set_enum (value, s->roi_select);
        break;
      case PROP_ROI_BEST_TIMEOUT:
        g_value_set_uint64 (value, s->roi_best_timeout);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
        break;
    }
  }
  GST_OBJECT_UNLOCK (self);
}
