/* gst-imencode example: a camera-style snapshot application.
 *
 *   source ! tee ─┬─ queue ! preview sink          (fakesink, or a window)
 *                 └─ queue ! videoconvert ! imencode on-demand=true ! appsink
 *
 * The camera runs all the time; imencode encodes nothing until the
 * application emits its "snapshot" action signal, and then exactly the next
 * frame. Snapshots are requested with SIGUSR1 (`kill -USR1 <pid>`), by
 * pressing Enter, or N times at startup with --count N. Each one is saved as
 * snapshot-NNN.jpg and described on stdout:
 *
 *   saved ./snapshot-001.jpg: 31234 bytes, pts 0:00:00.433333333, 640x480
 *
 * What it shows:
 *   - emitting the "snapshot" action signal from the main loop;
 *   - pulling the JPEG from appsink in a thread of its own (sync=false: a
 *     snapshot is wanted now, not at its presentation time), reading its
 *     bytes with gst_buffer_map() and imencode's ImencodeMeta with
 *     gst_buffer_get_custom_meta() + gst_custom_meta_get_structure();
 *   - when gst_app_sink_try_pull_sample() returns NULL: telling end of
 *     stream, an error (printed with its debug string) and "nothing yet"
 *     apart, from the bus;
 *   - signals handled safely (g_unix_signal_add: the handlers run in the
 *     main loop, not in signal context);
 *   - a clean shutdown on SIGINT/SIGTERM: EOS sent into the pipeline,
 *     waited for (with a time limit), then the pipeline set to NULL.
 *
 * Build: meson builds it as build/examples/snapshot (or by hand:
 *   cc snapshot.c -o snapshot $(pkg-config --cflags --libs gstreamer-app-1.0))
 * Run:   GST_PLUGIN_PATH=build/gst build/examples/snapshot [--display]
 *          [--device /dev/video0] [--output DIR] [--count N]
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib-unix.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>

/* How long a pull waits for a snapshot before the bus is looked at. Short,
 * so that an error or a shutdown request is noticed quickly. */
#define PULL_TIMEOUT (100 * GST_MSECOND)
/* --count: time between two requested snapshots, in milliseconds */
#define COUNT_INTERVAL_MS 200
/* How long a shutdown waits for EOS to come through before it stops the
 * pipeline anyway (a camera that hangs must not hang the application). */
#define EOS_TIMEOUT_S 5

typedef struct
{
  GMainLoop *loop;
  GstElement *pipeline;
  GstElement *encoder;
  GstElement *appsink;
  GThread *saver;

  /* options */
  gchar *output_dir;
  gint count;

  /* main loop thread only */
  gint requested;               /* snapshots requested by --count so far */
  gboolean stopping;            /* EOS has been sent */
  guint count_source;
  guint eos_timeout_source;
  guint stdin_source;

  /* shared with the saver thread */
  gint stop_saver;              /* atomic: leave without waiting for EOS */
  gint exit_code;               /* atomic: 0, or 1 after an error */

  /* saver thread only */
  guint next_index;
  gint saved;
} App;

static void begin_shutdown (App * app);

/* ---------------------------------------------------------------------- */
/* The saver thread: pulls snapshots from appsink and writes them.         */

/* The first snapshot-NNN.jpg name not already taken in the output
 * directory: earlier snapshots are never overwritten. */
static gchar *
next_file_name (App * app)
{
  for (;;) {
    gchar *name = g_strdup_printf ("snapshot-%03u.jpg", ++app->next_index);
    gchar *path = g_build_filename (app->output_dir, name, NULL);

    g_free (name);
    if (!g_file_test (path, G_FILE_TEST_EXISTS))
      return path;
    g_free (path);
  }
}

static gboolean
on_enough_saved (gpointer user_data)
{
  begin_shutdown (user_data);
  return G_SOURCE_REMOVE;
}

static void
save_sample (App * app, GstSample * sample)
{
  GstBuffer *buf = gst_sample_get_buffer (sample);
  GstCustomMeta *meta;
  GstMapInfo map;
  GError *err = NULL;
  gchar *path;
  gint width = -1, height = -1;

  if (buf == NULL)
    return;

  /* The source rectangle the image shows; the size of the image itself is
   * the same here, since nothing crops or scales. The meta is registered
   * by the plugin, which is loaded by now: the pipeline holds an imencode. */
  meta = gst_buffer_get_custom_meta (buf, "ImencodeMeta");
  if (meta != NULL) {
    GstStructure *s = gst_custom_meta_get_structure (meta);

    gst_structure_get_int (s, "width", &width);
    gst_structure_get_int (s, "height", &height);
  }

  /* One buffer is one complete JPEG file: write its bytes as they are. */
  if (!gst_buffer_map (buf, &map, GST_MAP_READ)) {
    g_printerr ("Could not map a snapshot buffer\n");
    return;
  }
  path = next_file_name (app);
  /* g_file_set_contents writes a temporary file and renames it, so a
   * reader never sees half a JPEG. */
  if (g_file_set_contents (path, (const gchar *) map.data, map.size, &err)) {
    g_print ("saved %s: %" G_GSIZE_FORMAT " bytes, pts %" GST_TIME_FORMAT
        ", %dx%d\n", path, map.size, GST_TIME_ARGS (GST_BUFFER_PTS (buf)),
        width, height);
    app->saved++;
  } else {
    g_printerr ("Could not save a snapshot: %s\n", err->message);
    g_clear_error (&err);
  }
  gst_buffer_unmap (buf, &map);
  g_free (path);

  if (app->count > 0 && app->saved == app->count)
    g_main_context_invoke (NULL, on_enough_saved, app);
}

/* Looks at everything on the bus. Returns FALSE when the pipeline has
 * finished: end of stream, or an error (printed here). This thread is the
 * bus's only reader, so no message is taken away from it by a watch. */
static gboolean
check_bus (App * app)
{
  GstBus *bus = gst_element_get_bus (app->pipeline);
  GstMessage *msg;
  gboolean running = TRUE;

  while (running && (msg = gst_bus_pop (bus)) != NULL) {
    switch (GST_MESSAGE_TYPE (msg)) {
      case GST_MESSAGE_ERROR:{
        GError *err = NULL;
        gchar *debug = NULL;

        gst_message_parse_error (msg, &err, &debug);
        g_printerr ("Error from %s: %s\nDebug: %s\n",
            GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message,
            debug ? debug : "none");
        g_clear_error (&err);
        g_free (debug);
        g_atomic_int_set (&app->exit_code, 1);
        running = FALSE;
        break;
      }
      case GST_MESSAGE_WARNING:{
        GError *err = NULL;
        gchar *debug = NULL;

        gst_message_parse_warning (msg, &err, &debug);
        g_printerr ("Warning from %s: %s\nDebug: %s\n",
            GST_OBJECT_NAME (GST_MESSAGE_SRC (msg)), err->message,
            debug ? debug : "none");
        g_clear_error (&err);
        g_free (debug);
        break;
      }
      case GST_MESSAGE_EOS:
        /* Nothing to do: the pipeline posts EOS once every sink has it, so
         * appsink holds its last snapshots and then reports EOS itself. */
        break;
      case GST_MESSAGE_LATENCY:
        /* a live pipeline: an element's latency changed, the sinks must
         * learn the new total (what gst-launch does too) */
        gst_bin_recalculate_latency (GST_BIN (app->pipeline));
        break;
      default:
        break;
    }
    gst_message_unref (msg);
  }
  gst_object_unref (bus);
  return running;
}

static gboolean
on_saver_done (gpointer user_data)
{
  App *app = user_data;

  g_main_loop_quit (app->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
saver_thread (gpointer user_data)
{
  App *app = user_data;
  GstAppSink *sink = GST_APP_SINK (app->appsink);

  while (!g_atomic_int_get (&app->stop_saver)) {
    GstSample *sample = gst_app_sink_try_pull_sample (sink, PULL_TIMEOUT);

    if (sample != NULL) {
      save_sample (app, sample);
      gst_sample_unref (sample);
      continue;
    }
    /* NULL: end of stream, or no snapshot within the timeout, or the
     * pipeline stopped (an error, or going to NULL). appsink tells the
     * first; only the bus tells an error from a quiet moment. */
    if (gst_app_sink_is_eos (sink)) {
      g_print ("end of stream\n");
      break;
    }
    if (!check_bus (app))
      break;
  }
  /* whatever ended it, the main loop is done too */
  g_main_context_invoke (NULL, on_saver_done, app);
  return NULL;
}

/* ---------------------------------------------------------------------- */
/* The main loop: snapshot requests and shutdown.                          */

static void
request_snapshot (App * app)
{
  /* Thread-safe and counted: N emissions are the next N frames. */
  g_signal_emit_by_name (app->encoder, "snapshot");
}

static gboolean
on_count_timer (gpointer user_data)
{
  App *app = user_data;

  request_snapshot (app);
  if (++app->requested < app->count)
    return G_SOURCE_CONTINUE;
  app->count_source = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
on_sigusr1 (gpointer user_data)
{
  request_snapshot (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_stdin (GIOChannel * source, GIOCondition cond, gpointer user_data)
{
  App *app = user_data;
  gchar *line = NULL;
  GIOStatus status;

  status = g_io_channel_read_line (source, &line, NULL, NULL, NULL);
  g_free (line);
  if (status == G_IO_STATUS_NORMAL) {
    request_snapshot (app);
    return G_SOURCE_CONTINUE;
  }
  if (status == G_IO_STATUS_AGAIN)
    return G_SOURCE_CONTINUE;
  /* End of input (stdin is /dev/null, a closed pipe, Ctrl-D): stop
   * watching it, or the loop would spin on a channel that stays readable.
   * SIGUSR1 still works. */
  app->stdin_source = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
on_eos_timeout (gpointer user_data)
{
  App *app = user_data;

  g_printerr ("No end of stream after %d s, stopping anyway\n",
      EOS_TIMEOUT_S);
  app->eos_timeout_source = 0;
  g_atomic_int_set (&app->stop_saver, 1);
  return G_SOURCE_REMOVE;
}

/* First call: send EOS so that what is in flight is finished (a snapshot
 * being encoded is still saved), and let the saver thread end the loop
 * when EOS has come out. A second call (Ctrl-C twice) stops at once. */
static void
begin_shutdown (App * app)
{
  if (app->stopping) {
    g_atomic_int_set (&app->stop_saver, 1);
    return;
  }
  app->stopping = TRUE;
  if (app->count_source != 0) {
    g_source_remove (app->count_source);
    app->count_source = 0;
  }
  /* To the pipeline: it goes to every source, here the camera, and from
   * there through both branches. */
  gst_element_send_event (app->pipeline, gst_event_new_eos ());
  app->eos_timeout_source = g_timeout_add_seconds (EOS_TIMEOUT_S,
      on_eos_timeout, app);
}

static gboolean
on_stop_signal (gpointer user_data)
{
  begin_shutdown (user_data);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------------- */

static gchar *
make_description (const gchar * device, gboolean display, gint quality)
{
  gchar *source, *desc;

  if (device != NULL) {
    gchar *quoted = g_strescape (device, NULL);

    /* Whatever raw format the camera gives; videoconvert below is a
     * pass-through when imencode takes it as it is (YUY2, NV12, I420...). */
    source = g_strdup_printf ("v4l2src device=\"%s\"", quoted);
    g_free (quoted);
  } else {
    source = g_strdup ("videotestsrc is-live=true pattern=ball ! "
        "video/x-raw,width=640,height=480,framerate=30/1");
  }

  /* The snapshot branch's queue is leaky: if saving ever falls behind,
   * frames are dropped there instead of stalling the tee and the preview.
   * imencode lets through only the frames that were asked for. */
  desc = g_strdup_printf ("%s ! tee name=t "
      "t. ! queue ! %s "
      "t. ! queue leaky=downstream max-size-buffers=3 max-size-bytes=0 "
      "max-size-time=0 ! videoconvert ! "
      "imencode name=enc on-demand=true quality=%d ! "
      "appsink name=shots sync=false",
      source, display ? "videoconvert ! autovideosink" : "fakesink",
      quality);
  g_free (source);
  return desc;
}

int
main (int argc, char *argv[])
{
  App app = { 0, };
  gchar *device = NULL, *output_dir = NULL, *desc;
  gboolean display = FALSE;
  gint count = 0, quality = 90;
  GOptionEntry entries[] = {
    {"device", 'd', 0, G_OPTION_ARG_FILENAME, &device,
        "Capture from this V4L2 device instead of a test pattern",
        "/dev/videoN"},
    {"display", 0, 0, G_OPTION_ARG_NONE, &display,
        "Show a preview window (autovideosink) instead of discarding it",
        NULL},
    {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output_dir,
        "Directory the snapshots are saved in (default: current directory)",
        "DIR"},
    {"count", 'n', 0, G_OPTION_ARG_INT, &count,
        "Take N snapshots, one every 200 ms, then exit", "N"},
    {"quality", 'q', 0, G_OPTION_ARG_INT, &quality,
        "JPEG quality, 1..100 (default 90)", "Q"},
    {NULL}
  };
  GOptionContext *ctx;
  GError *err = NULL;
  GIOChannel *in;
  guint sig_sources[3];
  GstStateChangeReturn ret;
  gint exit_code;

  /* One line per snapshot, also when stdout is a pipe to another program
   * (which would otherwise get them in 4 KiB blocks). */
  setvbuf (stdout, NULL, _IOLBF, 0);

  ctx = g_option_context_new ("- save JPEG snapshots of a live video stream");
  g_option_context_set_description (ctx,
      "A snapshot is taken on SIGUSR1 (kill -USR1 PID) or when Enter is "
      "pressed.\nSIGINT (Ctrl-C) or SIGTERM stops cleanly.\n");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, gst_init_get_option_group ());
  if (!g_option_context_parse (ctx, &argc, &argv, &err)) {
    g_printerr ("%s\n", err->message);
    g_clear_error (&err);
    g_option_context_free (ctx);
    return 2;
  }
  g_option_context_free (ctx);
  if (count < 0 || quality < 1 || quality > 100) {
    g_printerr ("--count must be >= 0 and --quality within 1..100\n");
    return 2;
  }
  /* gst_init_get_option_group() initialised GStreamer while parsing;
   * gst_init() again is harmless and keeps the usual shape. */
  gst_init (&argc, &argv);

  app.output_dir = output_dir ? output_dir : g_strdup (".");
  app.count = count;
  if (!g_file_test (app.output_dir, G_FILE_TEST_IS_DIR)) {
    g_printerr ("Output directory %s does not exist\n", app.output_dir);
    return 2;
  }

  desc = make_description (device, display, quality);
  app.pipeline = gst_parse_launch (desc, &err);
  if (app.pipeline == NULL || err != NULL) {
    /* A pipeline may come back together with a recoverable error (a
     * missing element in one branch): treat it as fatal all the same. */
    g_printerr ("Could not build the pipeline: %s\n(%s)\n",
        err ? err->message : "unknown error", desc);
    if (err && g_error_matches (err, GST_PARSE_ERROR,
            GST_PARSE_ERROR_NO_SUCH_ELEMENT))
      g_printerr ("Is GST_PLUGIN_PATH set to the directory holding "
          "libgstimencode.so?\n");
    g_clear_error (&err);
    gst_clear_object (&app.pipeline);
    g_free (desc);
    return 1;
  }
  g_free (desc);
  app.encoder = gst_bin_get_by_name (GST_BIN (app.pipeline), "enc");
  app.appsink = gst_bin_get_by_name (GST_BIN (app.pipeline), "shots");
  app.loop = g_main_loop_new (NULL, FALSE);

  /* The handlers are installed before the pid is printed, so a script may
   * send SIGUSR1 as soon as it has read the first line. */
  sig_sources[0] = g_unix_signal_add (SIGUSR1, on_sigusr1, &app);
  sig_sources[1] = g_unix_signal_add (SIGINT, on_stop_signal, &app);
  sig_sources[2] = g_unix_signal_add (SIGTERM, on_stop_signal, &app);
  in = g_io_channel_unix_new (STDIN_FILENO);
  app.stdin_source = g_io_add_watch (in, G_IO_IN | G_IO_HUP | G_IO_ERR,
      on_stdin, &app);

  ret = gst_element_set_state (app.pipeline, GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE) {
    /* The reason is on the bus as an ERROR message: print it. */
    g_printerr ("Could not start the pipeline\n");
    check_bus (&app);
    exit_code = 1;
    goto done;
  }

  g_print ("running, pid %d: press Enter or run `kill -USR1 %d` for a "
      "snapshot, Ctrl-C to stop\n", (int) getpid (), (int) getpid ());
  app.saver = g_thread_new ("saver", saver_thread, &app);
  if (app.count > 0)
    app.count_source = g_timeout_add (COUNT_INTERVAL_MS, on_count_timer,
        &app);

  g_main_loop_run (app.loop);

  /* The saver thread has returned (or is about to): NULL unblocks
   * anything still waiting in the pipeline. */
  g_atomic_int_set (&app.stop_saver, 1);
  g_thread_join (app.saver);
  exit_code = g_atomic_int_get (&app.exit_code);

done:
  gst_element_set_state (app.pipeline, GST_STATE_NULL);
  if (app.eos_timeout_source != 0)
    g_source_remove (app.eos_timeout_source);
  if (app.count_source != 0)
    g_source_remove (app.count_source);
  if (app.stdin_source != 0)
    g_source_remove (app.stdin_source);
  g_io_channel_unref (in);
  for (guint i = 0; i < G_N_ELEMENTS (sig_sources); i++)
    g_source_remove (sig_sources[i]);
  g_print ("%d snapshot%s saved\n", app.saved, app.saved == 1 ? "" : "s");

  gst_object_unref (app.encoder);
  gst_object_unref (app.appsink);
  gst_object_unref (app.pipeline);
  g_main_loop_unref (app.loop);
  g_free (app.output_dir);
  g_free (device);
  gst_deinit ();
  return exit_code;
}
