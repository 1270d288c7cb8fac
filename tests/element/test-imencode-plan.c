/* gst-imencode: unit tests of imencode's gate (which frames are encoded)
 * and plan (which images a frame yields), without a pipeline. Every
 * expectation below is worked out by hand from the property documentation,
 * not from the implementation's arithmetic.
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <math.h>
#include <string.h>

#include <gst/gst.h>
#include <gst/video/video.h>
#ifdef HAVE_GST_ANALYTICS
#include <gst/analytics/analytics.h>
#endif

#include "gstimencodegate.h"
#include "gstimencodeplan.h"
#include "gstimencodesettings.h"
#include "gstimencodetracks.h"

#define MS (GST_MSECOND)

static GstClockTime
frame_pts (guint i, gint fps_n, gint fps_d)
{
  /* as videotestsrc and most sources stamp frames: rounded down */
  return gst_util_uint64_scale (i, GST_SECOND * fps_d, fps_n);
}

static gboolean
passes (GstImencodeGateResult r)
{
  return r == GST_IMENCODE_GATE_PASS || r == GST_IMENCODE_GATE_SNAPSHOT;
}

/* ---- gate ---- */

static void
test_gate_no_limits_passes_everything (void)
{
  GstImencodeGate gate;

  gst_imencode_gate_init (&gate);
  for (guint i = 0; i < 100; i++)
    g_assert_cmpint (gst_imencode_gate_check (&gate, frame_pts (i, 30, 1),
            frame_pts (1, 30, 1), 0, 1, FALSE), ==, GST_IMENCODE_GATE_PASS);
  /* untimed frames too */
  g_assert_cmpint (gst_imencode_gate_check (&gate, GST_CLOCK_TIME_NONE,
          GST_CLOCK_TIME_NONE, 1, 1, FALSE), ==, GST_IMENCODE_GATE_PASS);
  g_assert_cmpint (gst_imencode_gate_check (&gate, GST_CLOCK_TIME_NONE,
          GST_CLOCK_TIME_NONE, 1, 1, FALSE), ==, GST_IMENCODE_GATE_PASS);
}

static void
test_gate_segment_clips (void)
{
  GstImencodeGate gate;
  GstSegment seg;

  gst_imencode_gate_init (&gate);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = 1 * GST_SECOND;
  seg.stop = 2 * GST_SECOND;
  gst_imencode_gate_set_segment (&gate, &seg);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 500 * MS, 100 * MS, 0, 1,
          FALSE), ==, GST_IMENCODE_GATE_OUTSIDE_SEGMENT);
  /* ends inside the segment: shown in part, so encoded */
  g_assert_cmpint (gst_imencode_gate_check (&gate, 950 * MS, 100 * MS, 0, 1,
          FALSE), ==, GST_IMENCODE_GATE_PASS);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 1500 * MS, 100 * MS, 0, 1,
          FALSE), ==, GST_IMENCODE_GATE_PASS);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 2000 * MS, 100 * MS, 0, 1,
          FALSE), ==, GST_IMENCODE_GATE_OUTSIDE_SEGMENT);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 2500 * MS,
          GST_CLOCK_TIME_NONE, 0, 1, FALSE), ==,
      GST_IMENCODE_GATE_OUTSIDE_SEGMENT);
}

static void
test_gate_max_rate_one_per_second_at_30fps (void)
{
  GstImencodeGate gate;
  GArray *passed = g_array_new (FALSE, FALSE, sizeof (guint));

  gst_imencode_gate_init (&gate);
  for (guint i = 0; i < 90; i++) {
    if (passes (gst_imencode_gate_check (&gate, frame_pts (i, 30, 1),
                frame_pts (1, 30, 1), 1, 1, FALSE)))
      g_array_append_val (passed, i);
  }
  g_assert_cmpuint (passed->len, ==, 3);
  g_assert_cmpuint (g_array_index (passed, guint, 0), ==, 0);
  g_assert_cmpuint (g_array_index (passed, guint, 1), ==, 30);
  g_assert_cmpuint (g_array_index (passed, guint, 2), ==, 60);
  g_array_unref (passed);
}

static void
test_gate_max_rate_two_per_second_at_25fps (void)
{
  /* frames every 40 ms, slots every 500 ms from the first frame: the
   * first frame at or past each slot, or less than half a frame (20 ms)
   * before it: 0, 520, 1000, 1520 ms (frames 0, 13, 25, 38); 480 ms is
   * exactly half a frame early, so not yet */
  static const guint expected[] = { 0, 13, 25, 38 };
  GstImencodeGate gate;
  guint n = 0;

  gst_imencode_gate_init (&gate);
  for (guint i = 0; i < 50; i++) {
    if (passes (gst_imencode_gate_check (&gate, frame_pts (i, 25, 1),
                40 * MS, 2, 1, FALSE))) {
      g_assert_cmpuint (n, <, G_N_ELEMENTS (expected));
      g_assert_cmpuint (i, ==, expected[n]);
      n++;
    }
  }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (expected));
}

static void
test_gate_max_rate_equal_to_framerate_keeps_every_frame (void)
{
  GstImencodeGate gate;

  gst_imencode_gate_init (&gate);
  for (guint i = 0; i < 300; i++)
    g_assert_true (passes (gst_imencode_gate_check (&gate,
                frame_pts (i, 30000, 1001), frame_pts (1, 30000, 1001),
                30000, 1001, FALSE)));
}

static void
test_gate_max_rate_restarts_after_flush_and_segment (void)
{
  GstImencodeGate gate;
  GstSegment seg;

  gst_imencode_gate_init (&gate);
  g_assert_true (passes (gst_imencode_gate_check (&gate, 0, 0, 1, 1,
              FALSE)));
  g_assert_false (passes (gst_imencode_gate_check (&gate, 100 * MS, 0, 1, 1,
              FALSE)));
  gst_imencode_gate_flush (&gate);
  g_assert_true (passes (gst_imencode_gate_check (&gate, 200 * MS, 0, 1, 1,
              FALSE)));
  g_assert_false (passes (gst_imencode_gate_check (&gate, 300 * MS, 0, 1, 1,
              FALSE)));
  /* a seek to 5 s: the segment's stream time starts at 5 s */
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = 5 * GST_SECOND;
  seg.time = 5 * GST_SECOND;
  gst_imencode_gate_set_segment (&gate, &seg);
  g_assert_true (passes (gst_imencode_gate_check (&gate, 5 * GST_SECOND, 0,
              1, 1, FALSE)));
  g_assert_false (passes (gst_imencode_gate_check (&gate,
              5 * GST_SECOND + 999 * MS, 0, 1, 1, FALSE)));
  g_assert_true (passes (gst_imencode_gate_check (&gate, 6 * GST_SECOND, 0,
              1, 1, FALSE)));
}

static void
test_gate_max_rate_counts_stream_time (void)
{
  GstImencodeGate gate;
  GstSegment seg;

  /* playing at twice the speed: 1 s of running time is 2 s of stream time,
   * and stream time follows the timestamps; an applied rate of 2 (as after
   * a scaletempo) maps 1 s of PTS to 2 s of stream time */
  gst_imencode_gate_init (&gate);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.applied_rate = 2.0;
  gst_imencode_gate_set_segment (&gate, &seg);
  g_assert_true (passes (gst_imencode_gate_check (&gate, 0, 0, 1, 1,
              FALSE)));
  /* 600 ms of PTS = 1.2 s of stream time: past the 1 s slot */
  g_assert_true (passes (gst_imencode_gate_check (&gate, 600 * MS, 0, 1, 1,
              FALSE)));
  /* 900 ms = 1.8 s: before the 2 s slot; 1000 ms = 2 s: at it */
  g_assert_false (passes (gst_imencode_gate_check (&gate, 900 * MS, 0, 1, 1,
              FALSE)));
  g_assert_true (passes (gst_imencode_gate_check (&gate, 1000 * MS, 0, 1, 1,
              FALSE)));
}

static void
test_gate_max_rate_reverse_playback (void)
{
  GstImencodeGate gate;
  GstSegment seg;
  guint n = 0;

  gst_imencode_gate_init (&gate);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.rate = -1.0;
  seg.stop = 3 * GST_SECOND;
  gst_imencode_gate_set_segment (&gate, &seg);
  /* 2.9 s down to 0.0 s in 100 ms steps: 2.9, 1.9 and 0.9 pass */
  for (gint i = 29; i >= 0; i--) {
    GstImencodeGateResult r = gst_imencode_gate_check (&gate, i * 100 * MS,
        100 * MS, 1, 1, FALSE);

    if (passes (r)) {
      g_assert_cmpint (i % 10, ==, 9);
      n++;
    }
  }
  g_assert_cmpuint (n, ==, 3);
}

/* A UVC webcam's 30 fps: 10000000/333333, frames 33,333,300 ns apart,
 * slightly faster than 30/1's slots (33,333,333.3 ns). */
#define CAM_N 10000000
#define CAM_D 333333

/* Counts the frames of @n_frames at the camera's rate that pass a max-rate
 * of @rate_n/@rate_d, with their durations, or with none (the gate then
 * takes the spacing of the frames as their duration); @first is the
 * index of the first frame, @step 1 or -1 (reverse playback). */
static guint
count_camera_frames (GstImencodeGate * gate, gint first, gint step,
    guint n_frames, gint rate_n, gint rate_d, gboolean with_duration)
{
  guint n = 0;

  for (guint k = 0; k < n_frames; k++) {
    gint i = first + step * (gint) k;
    GstClockTime pts = frame_pts (i, CAM_N, CAM_D);
    GstClockTime dur = frame_pts (i + 1, CAM_N, CAM_D) - pts;

    if (passes (gst_imencode_gate_check (gate, pts,
                with_duration ? dur : GST_CLOCK_TIME_NONE, rate_n, rate_d,
                FALSE)))
      n++;
  }
  return n;
}

static void
test_gate_max_rate_camera_rate (void)
{
  /* 300 frames (10 s less 10 us) on slots 1/max-rate apart */
  static const struct
  {
    gint rate_n, rate_d;
    guint kept;
  } table[] = {
    {30, 1, 300}, {10, 1, 100}, {1, 1, 10}, {15, 1, 150}, {5, 1, 50},
    {2, 1, 20}, {1, 2, 5}, {60, 1, 300}, {30000, 1001, 300},
  };

  for (guint t = 0; t < G_N_ELEMENTS (table); t++) {
    for (gint with_duration = 0; with_duration <= 1; with_duration++) {
      GstImencodeGate gate;
      guint kept;

      gst_imencode_gate_init (&gate);
      kept = count_camera_frames (&gate, 0, 1, 300, table[t].rate_n,
          table[t].rate_d, with_duration);
      if (kept != table[t].kept)
        g_error ("max-rate %d/%d on 300 frames at %d/%d fps (%s durations)"
            ": %u kept, expected %u", table[t].rate_n, table[t].rate_d,
            CAM_N, CAM_D, with_duration ? "with" : "without", kept,
            table[t].kept);
    }
  }
}

static void
test_gate_max_rate_every_third_at_camera_rate (void)
{
  GstImencodeGate gate;

  gst_imencode_gate_init (&gate);
  for (guint i = 0; i < 300; i++) {
    GstClockTime pts = frame_pts (i, CAM_N, CAM_D);

    g_assert_cmpint (passes (gst_imencode_gate_check (&gate, pts,
                frame_pts (i + 1, CAM_N, CAM_D) - pts, 10, 1, FALSE)), ==,
        i % 3 == 0);
  }
}

static void
test_gate_max_rate_jittery_timestamps (void)
{
  /* a 30 fps camera whose timestamps wobble by up to 6 ms either way (a
   * fixed pseudo-random pattern), durations the nominal 33.3 ms: the
   * slots at 10/1 lie 100 ms apart from frame 0, so every third frame is
   * within a few ms of one, and the frames between are 27 ms or more
   * before the next: exactly every third is kept */
  static const gint wobble_us[] = { 0, 4000, -6000, 2500, -3000, 6000,
    -4500, 1000, 5500, -2000, -6000, 3500, 500
  };
  GstImencodeGate gate;

  gst_imencode_gate_init (&gate);
  for (guint i = 0; i < 300; i++) {
    GstClockTime pts = frame_pts (i, 30, 1) + 10 * MS +
        wobble_us[i % G_N_ELEMENTS (wobble_us)] * GST_USECOND;

    g_assert_cmpint (passes (gst_imencode_gate_check (&gate, pts,
                frame_pts (1, 30, 1), 10, 1, FALSE)), ==, i % 3 == 0);
  }
  /* the same at 1/1 with the spacing standing for the duration */
  gst_imencode_gate_init (&gate);
  for (guint i = 0; i < 300; i++) {
    GstClockTime pts = frame_pts (i, 30, 1) + 10 * MS +
        wobble_us[i % G_N_ELEMENTS (wobble_us)] * GST_USECOND;

    g_assert_cmpint (passes (gst_imencode_gate_check (&gate, pts,
                GST_CLOCK_TIME_NONE, 1, 1, FALSE)), ==, i % 30 == 0);
  }
}

static void
test_gate_max_rate_reverse_at_camera_rate (void)
{
  GstImencodeGate gate;
  GstSegment seg;

  gst_imencode_gate_init (&gate);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.rate = -1.0;
  seg.stop = 10 * GST_SECOND;
  gst_imencode_gate_set_segment (&gate, &seg);
  /* frames 299 down to 0 */
  g_assert_cmpuint (count_camera_frames (&gate, 299, -1, 300, 10, 1, TRUE),
      ==, 100);
  gst_imencode_gate_set_segment (&gate, &seg);
  g_assert_cmpuint (count_camera_frames (&gate, 299, -1, 300, 30, 1, TRUE),
      ==, 300);
}

static void
test_gate_max_rate_grid_restarts_with_segment (void)
{
  GstImencodeGate gate;
  GstSegment seg;
  GstClockTime pts;

  gst_imencode_gate_init (&gate);
  /* frames 0..149 (5 s), then a seek back to frame 40's time: the grid
   * starts again there, frame 40 is kept and every third after it */
  g_assert_cmpuint (count_camera_frames (&gate, 0, 1, 150, 10, 1, TRUE), ==,
      50);
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = seg.time = frame_pts (40, CAM_N, CAM_D);
  gst_imencode_gate_set_segment (&gate, &seg);
  for (guint i = 40; i < 190; i++) {
    pts = frame_pts (i, CAM_N, CAM_D);
    g_assert_cmpint (passes (gst_imencode_gate_check (&gate, pts,
                frame_pts (i + 1, CAM_N, CAM_D) - pts, 10, 1, FALSE)), ==,
        (i - 40) % 3 == 0);
  }
  /* a flush restarts it too: frame 191 is the new grid's first */
  gst_imencode_gate_flush (&gate);
  g_assert_cmpuint (count_camera_frames (&gate, 191, 1, 30, 10, 1, TRUE), ==,
      10);
  g_assert_true (passes (gst_imencode_gate_check (&gate,
              frame_pts (191 + 30, CAM_N, CAM_D), 33333300, 10, 1, FALSE)));
}

static void
test_gate_max_rate_change_starts_new_grid (void)
{
  GstImencodeGate gate;

  /* 100 s at 30/1 then 1/1: the grid for 1/1 starts at the first frame
   * under it, not 3000 slots of 1 s later */
  gst_imencode_gate_init (&gate);
  g_assert_true (passes (gst_imencode_gate_check (&gate, 0, 33 * MS, 30, 1,
              FALSE)));
  g_assert_true (passes (gst_imencode_gate_check (&gate, 100 * GST_SECOND,
              33 * MS, 30, 1, FALSE)));
  g_assert_true (passes (gst_imencode_gate_check (&gate,
              100 * GST_SECOND + 40 * MS, 33 * MS, 1, 1, FALSE)));
  g_assert_false (passes (gst_imencode_gate_check (&gate,
              100 * GST_SECOND + 500 * MS, 33 * MS, 1, 1, FALSE)));
  g_assert_true (passes (gst_imencode_gate_check (&gate,
              101 * GST_SECOND + 40 * MS, 33 * MS, 1, 1, FALSE)));
}

static void
test_gate_max_rate_late_frame_no_burst (void)
{
  /* 10/1 at 30 fps with a gap of a second: the frame after it (1050 ms)
   * takes the slots it passed (100 .. 1000 ms), not only the first, so
   * the frames after it wait for the 1100 ms slot instead of bursting */
  static const struct
  {
    guint ms;
    gboolean kept;
  } frames[] = {
    {0, TRUE}, {33, FALSE}, {1050, TRUE}, {1083, FALSE}, {1116, TRUE},
    {1150, FALSE}, {1183, FALSE}, {1216, TRUE},
  };
  GstImencodeGate gate;

  gst_imencode_gate_init (&gate);
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    g_assert_cmpint (passes (gst_imencode_gate_check (&gate,
                frames[i].ms * MS, 33 * MS, 10, 1, FALSE)), ==,
        frames[i].kept);
}

static void
test_gate_on_demand_counts_requests (void)
{
  GstImencodeGate gate;
  GstSegment seg;

  gst_imencode_gate_init (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 0, 0, 0, 1, TRUE), ==,
      GST_IMENCODE_GATE_NO_REQUEST);
  gst_imencode_gate_request_snapshot (&gate);
  gst_imencode_gate_request_snapshot (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 1, 0, 0, 1, TRUE), ==,
      GST_IMENCODE_GATE_SNAPSHOT);
  /* a frame that gave no image leaves the request pending */
  g_assert_cmpint (gst_imencode_gate_check (&gate, 2, 0, 0, 1, TRUE), ==,
      GST_IMENCODE_GATE_SNAPSHOT);
  g_assert_true (gst_imencode_gate_take_snapshot (&gate));
  g_assert_cmpint (gst_imencode_gate_check (&gate, 3, 0, 0, 1, TRUE), ==,
      GST_IMENCODE_GATE_SNAPSHOT);
  g_assert_true (gst_imencode_gate_take_snapshot (&gate));
  g_assert_cmpint (gst_imencode_gate_check (&gate, 4, 0, 0, 1, TRUE), ==,
      GST_IMENCODE_GATE_NO_REQUEST);
  g_assert_false (gst_imencode_gate_take_snapshot (&gate));

  /* a frame outside the segment or held back by max-rate does not take
   * the request: the next encoded frame does */
  gst_segment_init (&seg, GST_FORMAT_TIME);
  seg.start = GST_SECOND;
  gst_imencode_gate_set_segment (&gate, &seg);
  g_assert_true (passes (gst_imencode_gate_check (&gate, GST_SECOND, 0, 1, 1,
              FALSE)));
  gst_imencode_gate_request_snapshot (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 0, 0, 1, 1, TRUE), ==,
      GST_IMENCODE_GATE_OUTSIDE_SEGMENT);
  g_assert_cmpint (gst_imencode_gate_check (&gate, GST_SECOND + 500 * MS, 0,
          1, 1, TRUE), ==, GST_IMENCODE_GATE_RATE);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 2 * GST_SECOND, 0, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_SNAPSHOT);
  g_assert_true (gst_imencode_gate_take_snapshot (&gate));
  g_assert_cmpint (gst_imencode_gate_check (&gate, 4 * GST_SECOND, 0, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_NO_REQUEST);

  /* requests made before the stream (re)starts are kept */
  gst_imencode_gate_request_snapshot (&gate);
  gst_imencode_gate_reset (&gate);
  gst_imencode_gate_flush (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 0, 0, 0, 1, TRUE), ==,
      GST_IMENCODE_GATE_SNAPSHOT);
}

static void
test_gate_on_demand_refusal_keeps_the_grid (void)
{
  GstImencodeGate gate;

  /* 1/1 with on-demand, frames every 100 ms: the frames from 1 s on are
   * refused for want of a request and take no slot, so a request made
   * after the 1.2 s frame is taken by the next one (1.3 s), on the 1 s
   * slot still free */
  gst_imencode_gate_init (&gate);
  gst_imencode_gate_request_snapshot (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 0, 100 * MS, 1, 1, TRUE),
      ==, GST_IMENCODE_GATE_SNAPSHOT);
  /* the frame gave an image: its request is taken */
  g_assert_true (gst_imencode_gate_take_snapshot (&gate));
  for (guint ms = 100; ms <= 1200; ms += 100)
    g_assert_cmpint (gst_imencode_gate_check (&gate, ms * MS, 100 * MS, 1, 1,
            TRUE), ==, ms < 1000 ? GST_IMENCODE_GATE_RATE :
        GST_IMENCODE_GATE_NO_REQUEST);
  gst_imencode_gate_request_snapshot (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 1300 * MS, 100 * MS, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_SNAPSHOT);
  /* the frame gave an image: its request is taken */
  g_assert_true (gst_imencode_gate_take_snapshot (&gate));
  /* the next slot is 2 s */
  gst_imencode_gate_request_snapshot (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 1900 * MS, 100 * MS, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_RATE);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 2000 * MS, 100 * MS, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_SNAPSHOT);
  /* the frame gave an image: its request is taken */
  g_assert_true (gst_imencode_gate_take_snapshot (&gate));

  /* a frame refused for want of a request under a new rate leaves the
   * grid as it was, not the new rate over the old grid's slot count: 10/1
   * up to 3 s (slot 31 next), a refused frame at 1/1, then 1/1 frames
   * start a 1/1 grid (not one whose next slot is 31 s) */
  for (guint ms = 2100; ms <= 3000; ms += 100) {
    gst_imencode_gate_request_snapshot (&gate);
    g_assert_cmpint (gst_imencode_gate_check (&gate, ms * MS, 100 * MS, 10,
            1, TRUE), ==, GST_IMENCODE_GATE_SNAPSHOT);
    g_assert_true (gst_imencode_gate_take_snapshot (&gate));
  }
  g_assert_cmpint (gst_imencode_gate_check (&gate, 3100 * MS, 100 * MS, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_NO_REQUEST);
  gst_imencode_gate_request_snapshot (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 3200 * MS, 100 * MS, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_SNAPSHOT);
  /* the frame gave an image: its request is taken */
  g_assert_true (gst_imencode_gate_take_snapshot (&gate));
  gst_imencode_gate_request_snapshot (&gate);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 4100 * MS, 100 * MS, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_RATE);
  g_assert_cmpint (gst_imencode_gate_check (&gate, 4200 * MS, 100 * MS, 1, 1,
          TRUE), ==, GST_IMENCODE_GATE_SNAPSHOT);
}

#define REQUESTERS 4
#define REQUESTS 5000

static gpointer
request_many (gpointer data)
{
  for (guint i = 0; i < REQUESTS; i++)
    gst_imencode_gate_request_snapshot (data);
  return NULL;
}

static void
test_gate_requests_from_threads_all_count (void)
{
  GstImencodeGate gate;
  GThread *threads[REQUESTERS];
  guint taken = 0, i = 0;

  gst_imencode_gate_init (&gate);
  for (guint t = 0; t < REQUESTERS; t++)
    threads[t] = g_thread_new ("requester", request_many, &gate);
  /* take requests while they arrive */
  while (taken < REQUESTERS * REQUESTS) {
    if (gst_imencode_gate_check (&gate, i++, 0, 0, 1, TRUE) ==
        GST_IMENCODE_GATE_SNAPSHOT) {
      g_assert_true (gst_imencode_gate_take_snapshot (&gate));
      taken++;
    } else
      g_thread_yield ();
  }
  for (guint t = 0; t < REQUESTERS; t++)
    g_thread_join (threads[t]);
  g_assert_cmpuint (taken, ==, REQUESTERS * REQUESTS);
  g_assert_cmpint (gst_imencode_gate_check (&gate, i, 0, 0, 1, TRUE), ==,
      GST_IMENCODE_GATE_NO_REQUEST);
}

/* ---- roi-type lists ---- */

static void
test_roi_filter_parse (void)
{
  GstImencodeRoiFilter *f;

  g_assert_null (gst_imencode_roi_filter_parse (NULL));
  g_assert_null (gst_imencode_roi_filter_parse (""));
  g_assert_null (gst_imencode_roi_filter_parse (" , ,"));

  f = gst_imencode_roi_filter_parse (" person , car,");
  g_assert_nonnull (f);
  g_assert_true (gst_imencode_roi_filter_matches (f,
          g_quark_from_string ("person")));
  g_assert_true (gst_imencode_roi_filter_matches (f,
          g_quark_from_string ("car")));
  g_assert_false (gst_imencode_roi_filter_matches (f,
          g_quark_from_string ("dog")));
  g_assert_false (gst_imencode_roi_filter_matches (f,
          g_quark_from_string ("Person")));
  g_assert_false (gst_imencode_roi_filter_matches (f, 0));
  gst_imencode_roi_filter_unref (f);

  f = gst_imencode_roi_filter_parse ("*");
  g_assert_true (gst_imencode_roi_filter_matches (f,
          g_quark_from_string ("anything")));
  g_assert_true (gst_imencode_roi_filter_matches (f, 0));
  gst_imencode_roi_filter_unref (f);
}

/* ---- plan ---- */

static const GstImencodeFrameShape vga = { 640, 480, 1, 1 };

static void
settings_for (GstImencodeSettings * s, const gchar * roi_type)
{
  memset (s, 0, sizeof (*s));
  s->aspect_mode = GST_IMENCODE_ASPECT_MODE_STRETCH;
  s->roi_filter = gst_imencode_roi_filter_parse (roi_type);
}

static GstImencodeRegion
region (gint id, const gchar * type, gint64 x, gint64 y, gint64 w, gint64 h)
{
  GstImencodeRegion r;

  memset (&r, 0, sizeof (r));
  r.id = id;
  r.type = g_quark_from_string (type);
  r.x = x;
  r.y = y;
  r.width = w;
  r.height = h;
  return r;
}

#define assert_src(img, X, Y, W, H) G_STMT_START {             \
  g_assert_cmpuint ((img)->plan.src.x, ==, (X));               \
  g_assert_cmpuint ((img)->plan.src.y, ==, (Y));               \
  g_assert_cmpuint ((img)->plan.src.width, ==, (W));           \
  g_assert_cmpuint ((img)->plan.src.height, ==, (H));          \
} G_STMT_END

static void
test_plan_types_and_confidence (void)
{
  GstImencodeSettings s;
  GstImencodeRegion r[5];
  GArray *images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));
  GstImencodeImage *img;

  r[0] = region (1, "person", 10, 10, 20, 40);
  r[1] = region (2, "dog", 50, 10, 20, 20);
  r[2] = region (3, "car", 100, 100, 60, 30);
  r[2].has_confidence = TRUE;
  r[2].confidence = 0.4;
  r[3] = region (4, "person", 200, 10, 10, 10);
  r[3].has_confidence = TRUE;
  r[3].confidence = 0.5;
  r[4] = region (5, "person", 300, 10, 10, 10);
  r[4].has_track_id = TRUE;
  r[4].track_id = 77;

  settings_for (&s, "person,car");
  s.min_confidence = 0.5;
  gst_imencode_plan_regions (&s, &vga, r, 5, images, NULL);
  /* dog: not listed; car: 0.4 < 0.5; person at exactly 0.5 kept; unknown
   * confidence kept */
  g_assert_cmpuint (images->len, ==, 3);
  img = &g_array_index (images, GstImencodeImage, 0);
  g_assert_cmpint (img->region.id, ==, 1);
  g_assert_true (img->is_region);
  g_assert_cmpint (img->reason, ==, GST_IMENCODE_REASON_REGION);
  assert_src (img, 10, 10, 20, 40);
  g_assert_cmpuint (img->plan.out_width, ==, 20);
  g_assert_cmpuint (img->plan.out_height, ==, 40);
  g_assert_cmpint (g_array_index (images, GstImencodeImage, 1).region.id, ==,
      4);
  img = &g_array_index (images, GstImencodeImage, 2);
  g_assert_cmpint (img->region.id, ==, 5);
  g_assert_true (img->region.has_track_id);
  g_assert_cmpint (img->region.track_id, ==, 77);
  gst_imencode_settings_clear (&s);

  settings_for (&s, "*");
  gst_imencode_plan_regions (&s, &vga, r, 5, images, NULL);
  g_assert_cmpuint (images->len, ==, 5);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpint (g_array_index (images, GstImencodeImage, i).region.id,
        ==, (gint) i + 1);
  gst_imencode_settings_clear (&s);

  settings_for (&s, "cat");
  gst_imencode_plan_regions (&s, &vga, r, 5, images, NULL);
  g_assert_cmpuint (images->len, ==, 0);
  gst_imencode_settings_clear (&s);
  g_array_unref (images);
}

static void
test_plan_margin_and_clipping (void)
{
  GstImencodeSettings s;
  GstImencodeRegion r[4];
  GArray *images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));
  GstImencodePlanSkipped skipped;

  /* 40x20 at (100,100), margin 0.25: 10 more left and right, 5 more at
   * top and bottom */
  r[0] = region (0, "a", 100, 100, 40, 20);
  /* at the top-left corner, margin 0.5: grows 20 / 10, clipped at 0 */
  r[1] = region (1, "a", 0, 0, 40, 20);
  /* sticking out on the right and bottom of 640x480 */
  r[2] = region (2, "a", 620, 470, 40, 20);
  /* entirely outside */
  r[3] = region (3, "a", 700, 10, 40, 20);

  settings_for (&s, "*");
  s.roi_margin = 0.25;
  gst_imencode_plan_regions (&s, &vga, r, 4, images, &skipped);
  g_assert_cmpuint (images->len, ==, 3);
  g_assert_cmpuint (skipped.outside, ==, 1);
  assert_src (&g_array_index (images, GstImencodeImage, 0), 90, 95, 60, 30);
  assert_src (&g_array_index (images, GstImencodeImage, 1), 0, 0, 50, 25);
  /* 610..670 x 465..495, clipped to 610..640 x 465..480 */
  assert_src (&g_array_index (images, GstImencodeImage, 2), 610, 465, 30,
      15);

  s.roi_margin = 0.5;
  gst_imencode_plan_regions (&s, &vga, r, 2, images, &skipped);
  assert_src (&g_array_index (images, GstImencodeImage, 1), 0, 0, 60, 30);
  /* a fractional margin rounds outwards: 0.01 of 40 is 0.4 -> 1 pixel */
  s.roi_margin = 0.01;
  gst_imencode_plan_regions (&s, &vga, r, 1, images, &skipped);
  assert_src (&g_array_index (images, GstImencodeImage, 0), 99, 99, 42, 22);

  /* a detector box with a negative origin */
  r[0] = region (0, "a", -10, -30, 30, 40);
  s.roi_margin = 0.0;
  gst_imencode_plan_regions (&s, &vga, r, 1, images, &skipped);
  assert_src (&g_array_index (images, GstImencodeImage, 0), 0, 0, 20, 10);
  /* empty and absurd boxes are outside, never a crash */
  r[0] = region (0, "a", 10, 10, 0, 5);
  r[1] = region (1, "a", G_MININT64, G_MININT64, G_MAXINT64, G_MAXINT64);
  r[2] = region (2, "a", 10, 10, -5, 5);
  gst_imencode_plan_regions (&s, &vga, r, 3, images, &skipped);
  g_assert_cmpuint (images->len, ==, 0);
  g_assert_cmpuint (skipped.outside, ==, 3);
  gst_imencode_settings_clear (&s);
  g_array_unref (images);
}

/* roi-min-size: the detector's own box (before margin) must be at least
 * this wide and high; the margin does not rescue a small one. */
static void
test_plan_roi_min_size (void)
{
  GstImencodeSettings s;
  GstImencodeRegion r[4];
  GArray *images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));

  r[0] = region (0, "a", 10, 10, 32, 32);
  r[1] = region (1, "a", 100, 10, 31, 200);     /* too narrow */
  r[2] = region (2, "a", 200, 10, 200, 31);     /* too short */
  /* 32 wide but only 20 of it inside the frame: the detector's box counts */
  r[3] = region (3, "a", -12, 100, 32, 32);

  settings_for (&s, "*");
  s.roi_min_size = 32;
  s.roi_margin = 0.5;
  gst_imencode_plan_regions (&s, &vga, r, 4, images, NULL);
  g_assert_cmpuint (images->len, ==, 2);
  g_assert_cmpint (g_array_index (images, GstImencodeImage, 0).region.id, ==,
      0);
  g_assert_cmpint (g_array_index (images, GstImencodeImage, 1).region.id, ==,
      3);
  /* 0: every region */
  s.roi_min_size = 0;
  gst_imencode_plan_regions (&s, &vga, r, 4, images, NULL);
  g_assert_cmpuint (images->len, ==, 4);
  s.roi_min_size = 31;
  gst_imencode_plan_regions (&s, &vga, r, 4, images, NULL);
  g_assert_cmpuint (images->len, ==, 4);
  s.roi_min_size = G_MAXUINT;
  gst_imencode_plan_regions (&s, &vga, r, 4, images, NULL);
  g_assert_cmpuint (images->len, ==, 0);
  gst_imencode_settings_clear (&s);
  g_array_unref (images);
}

#define assert_rect(rect, X, Y, W, H) G_STMT_START {            \
  g_assert_cmpuint ((rect)->x, ==, (X));                        \
  g_assert_cmpuint ((rect)->y, ==, (Y));                        \
  g_assert_cmpuint ((rect)->width, ==, (W));                    \
  g_assert_cmpuint ((rect)->height, ==, (H));                   \
} G_STMT_END

/* roi.image_box: the detector's box in the output image's pixels, through
 * margin, crop, resize and letterbox; expectations worked out by hand. */
static void
test_plan_map_box (void)
{
  GstImencodeSettings s;
  GstImencodeRegion r[2];
  GArray *images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));
  const GstImencodeImage *img;
  ImcoreRect box;
  ImcorePlan plan;

  settings_for (&s, "*");
  /* margin 0.25 around 40x80 at (100,100): source 80,80 60x120, unscaled:
   * the box sits at 10,20 40x80 */
  r[0] = region (0, "a", 100, 100, 40, 80);
  s.roi_margin = 0.25;
  gst_imencode_plan_regions (&s, &vga, r, 1, images, NULL);
  img = &g_array_index (images, GstImencodeImage, 0);
  assert_src (img, 90, 80, 60, 120);
  g_assert_true (gst_imencode_plan_map_box (&img->plan, 100, 100, 40, 80,
          &box));
  assert_rect (&box, 10, 20, 40, 80);

  /* the same, scaled to 30x60 (a half): 5,10 20x40 */
  s.width = 30;
  s.height = 60;
  gst_imencode_plan_regions (&s, &vga, r, 1, images, NULL);
  img = &g_array_index (images, GstImencodeImage, 0);
  g_assert_true (gst_imencode_plan_map_box (&img->plan, 100, 100, 40, 80,
          &box));
  assert_rect (&box, 5, 10, 20, 40);

  /* letterboxed into 240x240: the 60x120 source becomes 120x240 at x 60;
   * the box at 60 + 20, 40, 80x160 */
  s.width = 240;
  s.height = 240;
  s.aspect_mode = GST_IMENCODE_ASPECT_MODE_LETTERBOX;
  gst_imencode_plan_regions (&s, &vga, r, 1, images, NULL);
  img = &g_array_index (images, GstImencodeImage, 0);
  assert_rect (&img->plan.dest, 60, 0, 120, 240);
  g_assert_true (gst_imencode_plan_map_box (&img->plan, 100, 100, 40, 80,
          &box));
  assert_rect (&box, 80, 40, 80, 160);

  /* rounding: 3 pixels of 7 scaled to 10 are 4.29 -> edges 0 and 4 */
  memset (&plan, 0, sizeof (plan));
  plan.src = (ImcoreRect) {
  0, 0, 7, 7};
  plan.dest = (ImcoreRect) {
  0, 0, 10, 10};
  plan.out_width = plan.out_height = 10;
  g_assert_true (gst_imencode_plan_map_box (&plan, 0, 0, 3, 3, &box));
  assert_rect (&box, 0, 0, 4, 4);
  /* 1..4 -> 1.43..5.71 -> 1..6 */
  g_assert_true (gst_imencode_plan_map_box (&plan, 1, 1, 3, 3, &box));
  assert_rect (&box, 1, 1, 5, 5);

  /* a box sticking out of the frame (and so of the source rectangle) is
   * clipped to the image; in a letterbox to the picture, not the border */
  r[0] = region (0, "a", -20, 400, 60, 100);
  s.roi_margin = 0.0;
  s.width = 100;
  s.height = 100;
  gst_imencode_plan_regions (&s, &vga, r, 1, images, NULL);
  img = &g_array_index (images, GstImencodeImage, 0);
  /* source 0,400 40x80 -> 50x100 at x 25 */
  assert_src (img, 0, 400, 40, 80);
  assert_rect (&img->plan.dest, 25, 0, 50, 100);
  g_assert_true (gst_imencode_plan_map_box (&img->plan, -20, 400, 60, 100,
          &box));
  assert_rect (&box, 25, 0, 50, 100);

  /* crop-* relative to the region cuts the box: only the part shown */
  r[0] = region (0, "a", 100, 100, 40, 80);
  s.aspect_mode = GST_IMENCODE_ASPECT_MODE_STRETCH;
  s.width = s.height = 0;
  s.crop_x = 10;
  s.crop_y = 20;
  gst_imencode_plan_regions (&s, &vga, r, 1, images, NULL);
  img = &g_array_index (images, GstImencodeImage, 0);
  assert_src (img, 110, 120, 30, 60);
  g_assert_true (gst_imencode_plan_map_box (&img->plan, 100, 100, 40, 80,
          &box));
  assert_rect (&box, 0, 0, 30, 60);

  /* another box that misses the source rectangle, empty or absurd boxes */
  g_assert_false (gst_imencode_plan_map_box (&img->plan, 0, 0, 50, 50,
          &box));
  assert_rect (&box, 0, 0, 0, 0);
  g_assert_false (gst_imencode_plan_map_box (&img->plan, 110, 120, 0, 5,
          &box));
  g_assert_false (gst_imencode_plan_map_box (&img->plan, G_MAXINT64,
          G_MAXINT64, G_MAXINT64, G_MAXINT64, &box));
  g_assert_true (gst_imencode_plan_map_box (&img->plan, G_MININT64 / 2,
          G_MININT64 / 2, G_MAXINT64, G_MAXINT64, &box));
  assert_rect (&box, 0, 0, 30, 60);
  gst_imencode_settings_clear (&s);
  g_array_unref (images);
}

static void
test_plan_crop_and_size_relative_to_region (void)
{
  GstImencodeSettings s;
  GstImencodeRegion r[2];
  GArray *images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));
  GstImencodePlanSkipped skipped;
  GstImencodeImage *img;

  r[0] = region (0, "a", 100, 200, 80, 40);
  r[1] = region (1, "a", 300, 300, 8, 8);
  settings_for (&s, "*");
  /* the top-left 20x(rest) of each region, from 10,5 inside it */
  s.crop_x = 10;
  s.crop_y = 5;
  s.crop_width = 20;
  gst_imencode_plan_regions (&s, &vga, r, 2, images, &skipped);
  g_assert_cmpuint (images->len, ==, 1);
  g_assert_cmpuint (skipped.empty_crop, ==, 1);
  assert_src (&g_array_index (images, GstImencodeImage, 0), 110, 205, 20,
      35);

  /* width only: each image keeps its region's shape */
  s.crop_x = s.crop_y = s.crop_width = 0;
  s.width = 40;
  gst_imencode_plan_regions (&s, &vga, r, 2, images, &skipped);
  g_assert_cmpuint (images->len, ==, 2);
  img = &g_array_index (images, GstImencodeImage, 0);
  g_assert_cmpuint (img->plan.out_width, ==, 40);
  g_assert_cmpuint (img->plan.out_height, ==, 20);
  img = &g_array_index (images, GstImencodeImage, 1);
  g_assert_cmpuint (img->plan.out_width, ==, 40);
  g_assert_cmpuint (img->plan.out_height, ==, 40);

  /* letterbox 64x64: the 80x40 region is drawn 64x32, 16 rows down */
  s.width = 64;
  s.height = 64;
  s.aspect_mode = GST_IMENCODE_ASPECT_MODE_LETTERBOX;
  gst_imencode_plan_regions (&s, &vga, r, 1, images, &skipped);
  img = &g_array_index (images, GstImencodeImage, 0);
  g_assert_cmpuint (img->plan.out_width, ==, 64);
  g_assert_cmpuint (img->plan.dest.width, ==, 64);
  g_assert_cmpuint (img->plan.dest.height, ==, 32);
  g_assert_cmpuint (img->plan.dest.y, ==, 16);
  gst_imencode_settings_clear (&s);
  g_array_unref (images);
}

static void
test_plan_whole_frame (void)
{
  GstImencodeSettings s;
  GstImencodeImage img;

  settings_for (&s, NULL);
  s.crop_x = 600;
  s.crop_width = 100;
  g_assert_true (gst_imencode_plan_frame (&s, &vga, &img));
  g_assert_false (img.is_region);
  g_assert_cmpint (img.reason, ==, GST_IMENCODE_REASON_FRAME);
  assert_src (&img, 600, 0, 40, 480);
  s.crop_x = 640;
  g_assert_false (gst_imencode_plan_frame (&s, &vga, &img));
}

/* With one side given, the other keeps the displayed shape: a 720x480
 * frame of pixels 10/11 as wide as tall shows 654.5 x 480, so 320 wide is
 * 320 x 480 / 654.5 = 234.7 -> 235 tall (not 213 from the pixel counts);
 * and a given height of 240 is 240 x 654.5 / 480 = 327.3 -> 327 wide. */
/* Caps and property values at their extremes: the other side's size is
 * a product of up to 2^94 before the division, which must saturate, not
 * wrap (a 64-bit product wrapped to a small, wrong height). */
static void
test_plan_displayed_aspect_extremes_saturate (void)
{
  static const GstImencodeFrameShape tall = { 100000, 100000, 1, G_MAXINT };
  static const GstImencodeFrameShape wide = { 100000, 100000, G_MAXINT, 1 };
  GstImencodeSettings s;
  GstImencodeImage img;

  settings_for (&s, NULL);
  s.width = G_MAXUINT;
  g_assert_true (gst_imencode_plan_frame (&s, &tall, &img));
  g_assert_cmpuint (img.plan.out_height, ==, G_MAXUINT);
  s.width = 0;
  s.height = G_MAXUINT;
  g_assert_true (gst_imencode_plan_frame (&s, &wide, &img));
  g_assert_cmpuint (img.plan.out_width, ==, G_MAXUINT);
  /* 2^31 x 2^16 x 2^17 is 2^64: a 64-bit product is 0 */
  {
    static const GstImencodeFrameShape f = { 65536, 65536, 1, 131072 };

    s.height = 0;
    s.width = 1u << 31;
    g_assert_true (gst_imencode_plan_frame (&s, &f, &img));
    g_assert_cmpuint (img.plan.out_height, ==, G_MAXUINT);
  }
  gst_imencode_settings_clear (&s);
}

static void
test_plan_keeps_displayed_aspect (void)
{
  static const GstImencodeFrameShape dv = { 720, 480, 10, 11 };
  GstImencodeSettings s;
  GstImencodeImage img;
  GstImencodeRegion r = region (0, "a", 0, 0, 720, 480);
  GArray *images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));

  settings_for (&s, NULL);
  s.width = 320;
  g_assert_true (gst_imencode_plan_frame (&s, &dv, &img));
  g_assert_cmpuint (img.plan.out_width, ==, 320);
  g_assert_cmpuint (img.plan.out_height, ==, 235);
  s.width = 0;
  s.height = 240;
  g_assert_true (gst_imencode_plan_frame (&s, &dv, &img));
  g_assert_cmpuint (img.plan.out_width, ==, 327);
  g_assert_cmpuint (img.plan.out_height, ==, 240);
  /* both or neither given: as asked, or the crop's pixels */
  s.width = 100;
  s.height = 100;
  g_assert_true (gst_imencode_plan_frame (&s, &dv, &img));
  g_assert_cmpuint (img.plan.out_width, ==, 100);
  s.width = s.height = 0;
  g_assert_true (gst_imencode_plan_frame (&s, &dv, &img));
  g_assert_cmpuint (img.plan.out_width, ==, 720);
  g_assert_cmpuint (img.plan.out_height, ==, 480);
  /* regions too */
  s.roi_filter = gst_imencode_roi_filter_parse ("*");
  s.width = 320;
  gst_imencode_plan_regions (&s, &dv, &r, 1, images, NULL);
  g_assert_cmpuint (g_array_index (images, GstImencodeImage, 0).plan.
      out_height, ==, 235);
  gst_imencode_settings_clear (&s);
  g_array_unref (images);
}

static void
test_regions_collect_roi_meta (void)
{
  GstBuffer *buf = gst_buffer_new ();
  GArray *regions = g_array_new (FALSE, FALSE, sizeof (GstImencodeRegion));
  GstVideoRegionOfInterestMeta *m;
  GstImencodeRegion *r;

  m = gst_buffer_add_video_region_of_interest_meta (buf, "person", 1, 2, 3,
      4);
  m->id = 7;
  gst_video_region_of_interest_meta_add_param (m,
      gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE, 0.75,
          NULL));
  gst_video_region_of_interest_meta_add_param (m,
      gst_structure_new ("object_id", "id", G_TYPE_INT, 42, NULL));
  m = gst_buffer_add_video_region_of_interest_meta (buf, "car", 10, 20, 30,
      40);
  m->id = 3;
  m = gst_buffer_add_video_region_of_interest_meta (buf, "bike", 5, 5, 5, 5);
  m->id = 9;
  gst_video_region_of_interest_meta_add_param (m,
      gst_structure_new ("object_id", "id", G_TYPE_UINT64,
          G_GUINT64_CONSTANT (5000000000), NULL));

  gst_imencode_regions_collect (buf, regions);
  g_assert_cmpuint (regions->len, ==, 3);
  /* in the order attached */
  r = &g_array_index (regions, GstImencodeRegion, 0);
  g_assert_cmpint (r->id, ==, 7);
  g_assert_cmpstr (g_quark_to_string (r->type), ==, "person");
  g_assert_cmpint (r->x, ==, 1);
  g_assert_cmpint (r->y, ==, 2);
  g_assert_cmpint (r->width, ==, 3);
  g_assert_cmpint (r->height, ==, 4);
  g_assert_true (r->has_confidence);
  g_assert_cmpfloat (r->confidence, ==, 0.75);
  g_assert_true (r->has_track_id);
  g_assert_cmpint (r->track_id, ==, 42);
  r = &g_array_index (regions, GstImencodeRegion, 1);
  g_assert_cmpint (r->id, ==, 3);
  g_assert_false (r->has_confidence);
  g_assert_false (r->has_track_id);
  r = &g_array_index (regions, GstImencodeRegion, 2);
  g_assert_cmpint (r->id, ==, 9);
  g_assert_cmpint (r->track_id, ==, G_GINT64_CONSTANT (5000000000));

  /* reused: cleared before filling */
  gst_buffer_unref (buf);
  buf = gst_buffer_new ();
  gst_imencode_regions_collect (buf, regions);
  g_assert_cmpuint (regions->len, ==, 0);
  gst_buffer_unref (buf);
  g_array_unref (regions);
}

static void
test_regions_non_finite_confidence_is_unknown (void)
{
  const gdouble values[] = { NAN, INFINITY, -INFINITY, 0.3, 0.0 };
  const gboolean known[] = { FALSE, FALSE, FALSE, TRUE, TRUE };
  GstBuffer *buf = gst_buffer_new ();
  GArray *regions = g_array_new (FALSE, FALSE, sizeof (GstImencodeRegion));
  GArray *images = g_array_new (FALSE, FALSE, sizeof (GstImencodeImage));
  GstImencodeSettings s;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    GstVideoRegionOfInterestMeta *m =
        gst_buffer_add_video_region_of_interest_meta (buf, "a", 10 * i, 0,
        8, 8);

    m->id = (gint) i;
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE,
            values[i], NULL));
  }
  gst_imencode_regions_collect (buf, regions);
  g_assert_cmpuint (regions->len, ==, G_N_ELEMENTS (values));
  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    GstImencodeRegion *r = &g_array_index (regions, GstImencodeRegion, i);

    g_assert_cmpint (r->has_confidence, ==, known[i]);
    if (known[i])
      g_assert_cmpfloat (r->confidence, ==, values[i]);
  }

  /* unknown passes min-confidence; 0.3 and 0 do not */
  settings_for (&s, "a");
  s.min_confidence = 0.5;
  gst_imencode_plan_regions (&s, &vga, (GstImencodeRegion *) regions->data,
      regions->len, images, NULL);
  g_assert_cmpuint (images->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (g_array_index (images, GstImencodeImage, i).region.id,
        ==, (gint) i);
  gst_imencode_settings_clear (&s);

  gst_buffer_unref (buf);
  g_array_unref (images);
  g_array_unref (regions);
}

#ifdef HAVE_GST_ANALYTICS
static void
test_regions_analytics_non_finite_confidence_is_unknown (void)
{
  const gfloat values[] = { NAN, INFINITY, -INFINITY, 0.25f };
  GstBuffer *buf = gst_buffer_new ();
  GArray *regions = g_array_new (FALSE, FALSE, sizeof (GstImencodeRegion));
  GstAnalyticsRelationMeta *rmeta =
      gst_buffer_add_analytics_relation_meta (buf);

  for (guint i = 0; i < G_N_ELEMENTS (values); i++) {
    GstAnalyticsODMtd od;

    g_assert_true (gst_analytics_relation_meta_add_od_mtd (rmeta,
            g_quark_from_string ("a"), 10 * i, 0, 8, 8, values[i], &od));
  }
  gst_imencode_regions_collect (buf, regions);
  g_assert_cmpuint (regions->len, ==, G_N_ELEMENTS (values));
  for (guint i = 0; i < 3; i++)
    g_assert_false (g_array_index (regions, GstImencodeRegion,
            i).has_confidence);
  g_assert_true (g_array_index (regions, GstImencodeRegion, 3).has_confidence);
  g_assert_cmpfloat (g_array_index (regions, GstImencodeRegion, 3).confidence,
      ==, 0.25);
  gst_buffer_unref (buf);
  g_array_unref (regions);
}

/* A detection's classes: those of the classification metadata related to
 * it (either direction), the most confident first; an unrelated one and
 * non-finite levels are left out; at most GST_IMENCODE_MAX_CLASSES. */
static void
test_regions_analytics_classes (void)
{
  GstBuffer *buf = gst_buffer_new ();
  GArray *regions = g_array_new (FALSE, FALSE, sizeof (GstImencodeRegion));
  GstAnalyticsRelationMeta *rmeta =
      gst_buffer_add_analytics_relation_meta (buf);
  GstAnalyticsODMtd od[3];
  GstAnalyticsClsMtd cls[4];
  gfloat levels[2] = { 0.25f, 0.75f }, many[20], bad[2] = { NAN, 0.5f };
  GQuark quarks[2], many_q[20], bad_q[2];
  const GstImencodeRegion *r;

  for (guint i = 0; i < 3; i++)
    g_assert_true (gst_analytics_relation_meta_add_od_mtd (rmeta,
            g_quark_from_string ("person"), 10 * i, 0, 8, 8, 0.9f, &od[i]));
  quarks[0] = g_quark_from_string ("hat");
  quarks[1] = g_quark_from_string ("no-hat");
  g_assert_true (gst_analytics_relation_meta_add_cls_mtd (rmeta, 2, levels,
          quarks, &cls[0]));
  g_assert_true (gst_analytics_relation_meta_set_relation (rmeta,
          GST_ANALYTICS_REL_TYPE_RELATE_TO, od[0].id, cls[0].id));
  /* the other direction, and a classification of nothing */
  g_assert_true (gst_analytics_relation_meta_add_one_cls_mtd (rmeta, 0.5f,
          g_quark_from_string ("red"), &cls[1]));
  g_assert_true (gst_analytics_relation_meta_set_relation (rmeta,
          GST_ANALYTICS_REL_TYPE_RELATE_TO, cls[1].id, od[0].id));
  g_assert_true (gst_analytics_relation_meta_add_one_cls_mtd (rmeta, 0.9f,
          g_quark_from_string ("unrelated"), &cls[2]));
  /* 20 classes on the second detection: the 16 most confident kept */
  for (guint i = 0; i < 20; i++) {
    many[i] = i / 20.0f;
    many_q[i] = g_quark_from_string (i % 2 ? "odd" : "even");
  }
  g_assert_true (gst_analytics_relation_meta_add_cls_mtd (rmeta, 20, many,
          many_q, &cls[3]));
  g_assert_true (gst_analytics_relation_meta_set_relation (rmeta,
          GST_ANALYTICS_REL_TYPE_CONTAIN, od[1].id, cls[3].id));
  bad_q[0] = g_quark_from_string ("nan");
  bad_q[1] = g_quark_from_string ("fine");
  g_assert_true (gst_analytics_relation_meta_add_cls_mtd (rmeta, 2, bad,
          bad_q, &cls[2]));
  g_assert_true (gst_analytics_relation_meta_set_relation (rmeta,
          GST_ANALYTICS_REL_TYPE_RELATE_TO, od[2].id, cls[2].id));

  gst_imencode_regions_collect (buf, regions);
  g_assert_cmpuint (regions->len, ==, 3);
  r = &g_array_index (regions, GstImencodeRegion, 0);
  g_assert_cmpuint (r->n_classes, ==, 3);
  g_assert_cmpstr (g_quark_to_string (r->classes[0].label), ==, "no-hat");
  g_assert_cmpfloat (r->classes[0].confidence, ==, 0.75f);
  g_assert_cmpstr (g_quark_to_string (r->classes[1].label), ==, "red");
  g_assert_cmpstr (g_quark_to_string (r->classes[2].label), ==, "hat");
  r = &g_array_index (regions, GstImencodeRegion, 1);
  g_assert_cmpuint (r->n_classes, ==, GST_IMENCODE_MAX_CLASSES);
  for (guint i = 0; i < GST_IMENCODE_MAX_CLASSES; i++)
    g_assert_cmpfloat (r->classes[i].confidence, ==, many[19 - i]);
  r = &g_array_index (regions, GstImencodeRegion, 2);
  g_assert_cmpuint (r->n_classes, ==, 1);
  g_assert_cmpstr (g_quark_to_string (r->classes[0].label), ==, "fine");
  gst_buffer_unref (buf);
  g_array_unref (regions);
}
#endif

/* ---- tracks (roi-select) ---- */

static GstImencodeImage
tracked (gint64 track, gint64 x, gint64 y, gint64 w, gint64 h,
    gdouble confidence)
{
  GstImencodeImage img;

  memset (&img, 0, sizeof (img));
  img.is_region = TRUE;
  img.region = region (0, "a", x, y, w, h);
  img.region.has_track_id = track >= 0;
  img.region.track_id = track;
  img.region.has_confidence = confidence >= 0;
  img.region.confidence = confidence;
  /* the source rectangle as the plan clips it to a 640x480 frame */
  img.plan.src.x = (guint32) MAX (x, 0);
  img.plan.src.y = (guint32) MAX (y, 0);
  img.plan.src.width = (guint32) (MIN (x + w, 640) - MAX (x, 0));
  img.plan.src.height = (guint32) (MIN (y + h, 480) - MAX (y, 0));
  return img;
}

static GstImencodeTrackAction
offer (GstImencodeTracks * t, GstImencodeRoiSelect select,
    GstImencodeImage img, GstClockTime now, guint * slot)
{
  gboolean evicted, release;
  guint release_slot, s = G_MAXUINT;
  GstImencodeTrackAction a;

  a = gst_imencode_tracks_offer (t, select, &img, 640, 480, now, &s,
      &evicted, &release, &release_slot);
  g_assert_false (evicted);
  if (slot)
    *slot = s;
  return a;
}

static void
test_tracks_best_non_finite_confidence_scores_one (void)
{
  GstBuffer *buf;
  GArray *regions = g_array_new (FALSE, FALSE, sizeof (GstImencodeRegion));
  GstImencodeTracks t;
  GstImencodeImage img;
  GstVideoRegionOfInterestMeta *m;

  /* a 20x20 view at 0.9 (score 360) is kept; a 16x16 view whose
   * confidence is NaN (so unknown: 256 x 1) does not beat it, a 19x19 one
   * (361) does */
  gst_imencode_tracks_init (&t, 2);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (3, 10, 10, 20, 20, 0.9), 0, NULL), ==,
      GST_IMENCODE_TRACK_KEEP);
  for (guint side = 16; side <= 19; side += 3) {
    buf = gst_buffer_new ();
    m = gst_buffer_add_video_region_of_interest_meta (buf, "a", 10, 10, side,
        side);
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("detection", "confidence", G_TYPE_DOUBLE, NAN,
            NULL));
    gst_video_region_of_interest_meta_add_param (m,
        gst_structure_new ("object_id", "id", G_TYPE_INT, 3, NULL));
    gst_imencode_regions_collect (buf, regions);
    g_assert_cmpuint (regions->len, ==, 1);
    img = tracked (3, 10, 10, side, side, -1);
    img.region = g_array_index (regions, GstImencodeRegion, 0);
    g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST, img,
            side * MS, NULL), ==, (side == 16 ? GST_IMENCODE_TRACK_DROP :
            GST_IMENCODE_TRACK_KEEP));
    gst_buffer_unref (buf);
  }
  gst_imencode_tracks_free (&t);
  g_array_unref (regions);
}

static void
test_tracks_first (void)
{
  GstImencodeTracks t;
  GstImencodeImage img;
  guint slots[4];

  gst_imencode_tracks_init (&t, 4);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_FIRST,
          tracked (1, 10, 10, 20, 20, -1), 0, NULL), ==,
      GST_IMENCODE_TRACK_PUSH);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_FIRST,
          tracked (1, 12, 10, 20, 20, -1), 33 * MS, NULL), ==,
      GST_IMENCODE_TRACK_DROP);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_FIRST,
          tracked (2, 12, 10, 20, 20, -1), 33 * MS, NULL), ==,
      GST_IMENCODE_TRACK_PUSH);
  /* no track id: an object of its own, every time */
  for (gint i = 0; i < 3; i++)
    g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_FIRST,
            tracked (-1, 12, 10, 20, 20, -1), 33 * MS, NULL), ==,
        GST_IMENCODE_TRACK_PUSH);
  /* unseen for a second: track 1 ends, nothing kept to release; seen
   * again it is new */
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_FIRST, 1033 * MS, 0, FALSE, slots), ==, 0);
  g_assert_cmpuint (t.n_tracks, ==, 0);
  img = tracked (1, 10, 10, 20, 20, -1);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_FIRST, img,
          1100 * MS, NULL), ==, GST_IMENCODE_TRACK_PUSH);
  gst_imencode_tracks_free (&t);
}

static void
test_tracks_best_rule (void)
{
  GstImencodeTracks t;
  guint slot, slots[4];

  gst_imencode_tracks_init (&t, 4);
  /* the first view is kept */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (5, 10, 10, 20, 20, 0.9), 0, &slot), ==,
      GST_IMENCODE_TRACK_KEEP);
  /* larger: kept, in the same slot */
  {
    guint again;

    g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
            tracked (5, 10, 10, 30, 30, 0.9), 10 * MS, &again), ==,
        GST_IMENCODE_TRACK_KEEP);
    g_assert_cmpuint (again, ==, slot);
  }
  /* smaller, or as large: not */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (5, 10, 10, 30, 30, 0.9), 20 * MS, NULL), ==,
      GST_IMENCODE_TRACK_DROP);
  /* larger but much less confident: 40x40x0.5 = 800 < 30x30x0.9 = 810 */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (5, 10, 10, 40, 40, 0.5), 30 * MS, NULL), ==,
      GST_IMENCODE_TRACK_DROP);
  /* far larger but touching the left edge: a cut box loses */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (5, 0, 10, 200, 200, 1.0), 40 * MS, NULL), ==,
      GST_IMENCODE_TRACK_DROP);
  /* sticking out at the bottom: cut too */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (5, 10, 400, 200, 200, 1.0), 50 * MS, NULL), ==,
      GST_IMENCODE_TRACK_DROP);
  /* a new track whose first view is cut, then an inside one smaller */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (6, 600, 10, 40, 40, 1.0), 50 * MS, NULL), ==,
      GST_IMENCODE_TRACK_KEEP);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (6, 580, 10, 10, 10, 1.0), 60 * MS, NULL), ==,
      GST_IMENCODE_TRACK_KEEP);

  /* track 5 unseen from 50 ms: due at 1.05 s, not before; track 6 (seen
   * at 60 ms) at 1.06 s */
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_BEST, 1049 * MS, 0, FALSE, slots), ==, 0);
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_BEST, 1050 * MS, 0, FALSE, slots), ==, 1);
  g_assert_cmpuint (slots[0], ==, slot);
  g_assert_cmpuint (t.n_tracks, ==, 1);
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_BEST, 1060 * MS, 0, FALSE, slots), ==, 1);
  g_assert_cmpuint (t.n_tracks, ==, 0);
  gst_imencode_tracks_free (&t);
}

/* improving: each view that beats the best pushed so far, at once, by
 * best's rule; nothing kept, nothing released when the track ends. */
static void
test_tracks_improving (void)
{
  GstImencodeTracks t;
  GstImencodeImage img;
  guint slots[4];
  static const struct
  {
    gint64 x, w;
    gdouble confidence;
    GstImencodeTrackAction expect;
  } views[] = {
    {10, 20, 0.9, GST_IMENCODE_TRACK_PUSH},     /* the first view */
    {10, 30, 0.9, GST_IMENCODE_TRACK_PUSH},     /* larger */
    {10, 30, 0.9, GST_IMENCODE_TRACK_DROP},     /* a tie keeps the earlier */
    {10, 25, 0.9, GST_IMENCODE_TRACK_DROP},     /* shrinking */
    {10, 40, 0.5, GST_IMENCODE_TRACK_DROP},     /* 800 < 810 */
    {0, 200, 1.0, GST_IMENCODE_TRACK_DROP},     /* cut by the left edge */
    {10, 31, 0.9, GST_IMENCODE_TRACK_PUSH},     /* beats 30x30 again */
    {10, 60, 1.0, GST_IMENCODE_TRACK_PUSH},
  };

  gst_imencode_tracks_init (&t, 4);
  for (guint i = 0; i < G_N_ELEMENTS (views); i++) {
    img = tracked (5, views[i].x, 10, views[i].w, views[i].w,
        views[i].confidence);
    g_assert_cmpint (gst_imencode_tracks_offer (&t,
            GST_IMENCODE_ROI_SELECT_IMPROVING, &img, 640, 480, i * 40 * MS,
            &slots[0], &(gboolean) {
            0}, &(gboolean) {
            0}, &slots[1]), ==, views[i].expect);
    g_assert_cmpint (img.reason, ==, GST_IMENCODE_REASON_IMPROVING);
  }
  /* a cut first view is pushed, then an inside one beats it whatever its
   * size */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_IMPROVING,
          tracked (6, 600, 10, 40, 40, 1.0), 50 * MS, NULL), ==,
      GST_IMENCODE_TRACK_PUSH);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_IMPROVING,
          tracked (6, 580, 10, 10, 10, 1.0), 60 * MS, NULL), ==,
      GST_IMENCODE_TRACK_PUSH);
  /* no track id: its own object, every time */
  for (gint i = 0; i < 2; i++)
    g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_IMPROVING,
            tracked (-1, 12, 10, 20, 20, -1), 70 * MS, NULL), ==,
        GST_IMENCODE_TRACK_PUSH);
  /* the tracks end with nothing to release, and a track seen again after
   * that starts over */
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_IMPROVING, 5 * GST_SECOND, GST_SECOND,
          FALSE, slots), ==, 0);
  g_assert_cmpuint (t.n_tracks, ==, 0);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_IMPROVING,
          tracked (5, 10, 10, 20, 20, 0.9), 6 * GST_SECOND, NULL), ==,
      GST_IMENCODE_TRACK_PUSH);
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_IMPROVING, 6 * GST_SECOND, 0, TRUE, slots),
      ==, 0);
  gst_imencode_tracks_free (&t);
}

/* improving follows every frame: a frame the gate skips only sees the
 * track, and the frame steps push the improvements in region order. */
static void
test_tracks_improving_frame_steps (void)
{
  GstImencodeTracks t;
  GArray *steps = g_array_new (FALSE, FALSE, sizeof (GstImencodeTrackStep));
  GstImencodeImage imgs[2];
  const GstImencodeTrackStep *st;

  gst_imencode_tracks_init (&t, 4);
  imgs[0] = tracked (1, 10, 10, 20, 20, 1.0);
  imgs[1] = tracked (2, 100, 10, 20, 20, 1.0);
  gst_imencode_tracks_offer_frame (&t, GST_IMENCODE_ROI_SELECT_IMPROVING, 0,
      imgs, 2, 640, 480, 0, TRUE, steps);
  g_assert_cmpuint (steps->len, ==, 2);
  st = &g_array_index (steps, GstImencodeTrackStep, 0);
  g_assert_cmpint (st[0].action, ==, GST_IMENCODE_TRACK_PUSH);
  g_assert_cmpuint (st[0].image, ==, 0);
  g_assert_cmpint (st[1].action, ==, GST_IMENCODE_TRACK_PUSH);
  g_assert_cmpuint (st[1].image, ==, 1);
  /* not encoded (the gate): seen only, no step */
  imgs[0] = tracked (1, 10, 10, 50, 50, 1.0);
  gst_imencode_tracks_offer_frame (&t, GST_IMENCODE_ROI_SELECT_IMPROVING, 0,
      imgs, 1, 640, 480, 40 * MS, FALSE, steps);
  g_assert_cmpuint (steps->len, ==, 0);
  /* track 2 grows, track 1 does not */
  imgs[0] = tracked (1, 10, 10, 20, 20, 1.0);
  imgs[1] = tracked (2, 100, 10, 21, 21, 1.0);
  gst_imencode_tracks_offer_frame (&t, GST_IMENCODE_ROI_SELECT_IMPROVING, 0,
      imgs, 2, 640, 480, 80 * MS, TRUE, steps);
  g_assert_cmpuint (steps->len, ==, 1);
  st = &g_array_index (steps, GstImencodeTrackStep, 0);
  g_assert_cmpint (st[0].action, ==, GST_IMENCODE_TRACK_PUSH);
  g_assert_cmpuint (st[0].image, ==, 1);
  /* unseen for a second: they end without a release step */
  gst_imencode_tracks_offer_frame (&t, GST_IMENCODE_ROI_SELECT_IMPROVING, 0,
      imgs, 0, 640, 480, 2 * GST_SECOND, TRUE, steps);
  g_assert_cmpuint (steps->len, ==, 0);
  g_assert_cmpuint (t.n_tracks, ==, 0);
  gst_imencode_tracks_free (&t);
  g_array_unref (steps);
}

static void
test_tracks_timeout_eos_lost_and_eviction (void)
{
  GstImencodeTracks t;
  guint slots[3], slot_a, slot_b, release_slot, s;
  gboolean evicted, release;
  GstImencodeImage img;

  gst_imencode_tracks_init (&t, 3);
  /* three tracks: b first seen before a, c without a kept view (first) */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (20, 10, 10, 10, 10, -1), 0, &slot_b), ==,
      GST_IMENCODE_TRACK_KEEP);
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (10, 10, 10, 10, 10, -1), 100 * MS, &slot_a), ==,
      GST_IMENCODE_TRACK_KEEP);
  g_assert_cmpuint (slot_a, !=, slot_b);
  /* a timeout of 2 s, both seen all along: b's period ends at 2 s, a's at
   * 2.1 s; then they start again */
  for (GstClockTime now = 200 * MS; now < 2000 * MS; now += 100 * MS) {
    offer (&t, GST_IMENCODE_ROI_SELECT_BEST, tracked (20, 10, 10, 10, 10,
            -1), now, NULL);
    offer (&t, GST_IMENCODE_ROI_SELECT_BEST, tracked (10, 10, 10, 10, 10,
            -1), now, NULL);
    g_assert_cmpuint (gst_imencode_tracks_expire (&t,
            GST_IMENCODE_ROI_SELECT_BEST, now, 2 * GST_SECOND, FALSE,
            slots), ==, 0);
  }
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_BEST, 2000 * MS, 2 * GST_SECOND, FALSE,
          slots), ==, 1);
  g_assert_cmpuint (slots[0], ==, slot_b);
  g_assert_cmpuint (t.n_tracks, ==, 2);
  /* a new period: the next view is kept again */
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
          tracked (20, 10, 10, 10, 10, -1), 2000 * MS, NULL), ==,
      GST_IMENCODE_TRACK_KEEP);

  /* a tracker saying "lost" ends the track at once */
  img = tracked (10, 10, 10, 12, 12, -1);
  img.region.track_lost = TRUE;
  g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST, img, 2050 * MS,
          NULL), ==, GST_IMENCODE_TRACK_KEEP);
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_BEST, 2050 * MS, 2 * GST_SECOND, FALSE,
          slots), ==, 1);
  g_assert_cmpuint (slots[0], ==, slot_a);
  g_assert_cmpuint (t.n_tracks, ==, 1);

  /* fill up: 20 (kept), 30, 40 (kept); then 50 evicts the least recently
   * seen, 20, whose candidate is due first */
  offer (&t, GST_IMENCODE_ROI_SELECT_BEST, tracked (30, 10, 10, 10, 10, -1),
      2100 * MS, NULL);
  offer (&t, GST_IMENCODE_ROI_SELECT_BEST, tracked (40, 10, 10, 10, 10, -1),
      2100 * MS, NULL);
  img = tracked (50, 10, 10, 10, 10, -1);
  g_assert_cmpint (gst_imencode_tracks_offer (&t,
          GST_IMENCODE_ROI_SELECT_BEST, &img, 640, 480, 2200 * MS, &s,
          &evicted, &release, &release_slot), ==, GST_IMENCODE_TRACK_KEEP);
  g_assert_true (evicted);
  g_assert_true (release);
  g_assert_cmpuint (release_slot, ==, slot_b);
  g_assert_cmpuint (t.n_tracks, ==, 3);

  /* EOS: every kept view, in the order the tracks appeared (30, 40, 50) */
  g_assert_cmpuint (gst_imencode_tracks_expire (&t,
          GST_IMENCODE_ROI_SELECT_BEST, GST_CLOCK_TIME_NONE, 0, TRUE,
          slots), ==, 3);
  g_assert_cmpuint (slots[2], ==, s);
  g_assert_cmpuint (t.n_tracks, ==, 0);
  gst_imencode_tracks_free (&t);
}

static void
test_tracks_best_timeout_never_wraps (void)
{
  /* a track kept from stream time @start, seen again at @now: is its best
   * due under roi-best-timeout @timeout? A timeout near G_MAXUINT64 means
   * "practically never", wherever the stream starts */
  static const struct
  {
    GstClockTime start, now, timeout;
    gboolean due;
  } table[] = {
    {0, 500 * MS, G_MAXUINT64, FALSE},
    {5 * GST_SECOND, 5 * GST_SECOND + 500 * MS, G_MAXUINT64, FALSE},
    {5 * GST_SECOND, 5 * GST_SECOND + 500 * MS, G_MAXUINT64 - 1, FALSE},
    /* start + timeout = 2^64 + 1 s - 1 would wrap to just under 1 s */
    {GST_SECOND, GST_SECOND + 500 * MS, G_MAXUINT64 - 1, FALSE},
    {5 * GST_SECOND, 5 * GST_SECOND + 500 * MS,
        G_MAXUINT64 - 5 * GST_SECOND + 1, FALSE},
    {5 * GST_SECOND, 5 * GST_SECOND + 500 * MS, G_MAXUINT64 / 2 + 1, FALSE},
    {G_MAXUINT64 - 2 * GST_SECOND, G_MAXUINT64 - 2 * GST_SECOND + 500 * MS,
        GST_SECOND, FALSE},
    {G_MAXUINT64 - 2 * GST_SECOND, G_MAXUINT64 - GST_SECOND, GST_SECOND,
        TRUE},
    /* and "unseen for a second" near the end of time does not wrap */
    {G_MAXUINT64 - 500 * MS, G_MAXUINT64 - 400 * MS, 2 * GST_SECOND, FALSE},
    {5 * GST_SECOND, 5 * GST_SECOND + 500 * MS, 500 * MS, TRUE},
    {5 * GST_SECOND, 5 * GST_SECOND + 499 * MS, 500 * MS, FALSE},
    {5 * GST_SECOND, 5 * GST_SECOND + 500 * MS, 0, FALSE},
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++) {
    GstImencodeTracks t;
    guint slot, slots[2], due;

    gst_imencode_tracks_init (&t, 2);
    g_assert_cmpint (offer (&t, GST_IMENCODE_ROI_SELECT_BEST,
            tracked (7, 10, 10, 20, 20, 0.9), table[i].start, &slot), ==,
        GST_IMENCODE_TRACK_KEEP);
    /* seen all along: only the timeout can make its best due */
    offer (&t, GST_IMENCODE_ROI_SELECT_BEST, tracked (7, 10, 10, 20, 20,
            0.9), table[i].now, NULL);
    due = gst_imencode_tracks_expire (&t, GST_IMENCODE_ROI_SELECT_BEST,
        table[i].now, table[i].timeout, FALSE, slots);
    if (due != (table[i].due ? 1 : 0))
      g_error ("row %u: kept at %" G_GUINT64_FORMAT ", now %" G_GUINT64_FORMAT
          ", timeout %" G_GUINT64_FORMAT ": %u due, expected %d", i,
          table[i].start, table[i].now, table[i].timeout, due, table[i].due);
    g_assert_cmpuint (t.n_tracks, ==, 1);
    gst_imencode_tracks_free (&t);
  }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/gate/no-limits", test_gate_no_limits_passes_everything);
  g_test_add_func ("/gate/segment-clips", test_gate_segment_clips);
  g_test_add_func ("/gate/max-rate-1-at-30fps",
      test_gate_max_rate_one_per_second_at_30fps);
  g_test_add_func ("/gate/max-rate-2-at-25fps",
      test_gate_max_rate_two_per_second_at_25fps);
  g_test_add_func ("/gate/max-rate-equal-to-framerate",
      test_gate_max_rate_equal_to_framerate_keeps_every_frame);
  g_test_add_func ("/gate/max-rate-restarts",
      test_gate_max_rate_restarts_after_flush_and_segment);
  g_test_add_func ("/gate/max-rate-stream-time",
      test_gate_max_rate_counts_stream_time);
  g_test_add_func ("/gate/max-rate-reverse",
      test_gate_max_rate_reverse_playback);
  g_test_add_func ("/gate/max-rate-camera-rate",
      test_gate_max_rate_camera_rate);
  g_test_add_func ("/gate/max-rate-every-third-at-camera-rate",
      test_gate_max_rate_every_third_at_camera_rate);
  g_test_add_func ("/gate/max-rate-jittery-timestamps",
      test_gate_max_rate_jittery_timestamps);
  g_test_add_func ("/gate/max-rate-reverse-at-camera-rate",
      test_gate_max_rate_reverse_at_camera_rate);
  g_test_add_func ("/gate/max-rate-grid-restarts-with-segment",
      test_gate_max_rate_grid_restarts_with_segment);
  g_test_add_func ("/gate/max-rate-change-starts-new-grid",
      test_gate_max_rate_change_starts_new_grid);
  g_test_add_func ("/gate/max-rate-late-frame-no-burst",
      test_gate_max_rate_late_frame_no_burst);
  g_test_add_func ("/gate/on-demand", test_gate_on_demand_counts_requests);
  g_test_add_func ("/gate/on-demand-refusal-keeps-the-grid",
      test_gate_on_demand_refusal_keeps_the_grid);
  g_test_add_func ("/gate/requests-from-threads",
      test_gate_requests_from_threads_all_count);
  g_test_add_func ("/plan/roi-filter", test_roi_filter_parse);
  g_test_add_func ("/plan/displayed-aspect-extremes",
      test_plan_displayed_aspect_extremes_saturate);
  g_test_add_func ("/plan/types-and-confidence",
      test_plan_types_and_confidence);
  g_test_add_func ("/plan/margin-and-clipping", test_plan_margin_and_clipping);
  g_test_add_func ("/plan/crop-and-size",
      test_plan_crop_and_size_relative_to_region);
  g_test_add_func ("/plan/whole-frame", test_plan_whole_frame);
  g_test_add_func ("/plan/roi-min-size", test_plan_roi_min_size);
  g_test_add_func ("/plan/map-box", test_plan_map_box);
  g_test_add_func ("/plan/collect-roi-meta", test_regions_collect_roi_meta);
  g_test_add_func ("/plan/displayed-aspect", test_plan_keeps_displayed_aspect);
  g_test_add_func ("/plan/non-finite-confidence-is-unknown",
      test_regions_non_finite_confidence_is_unknown);
#ifdef HAVE_GST_ANALYTICS
  g_test_add_func ("/plan/analytics-non-finite-confidence-is-unknown",
      test_regions_analytics_non_finite_confidence_is_unknown);
  g_test_add_func ("/plan/analytics-classes", test_regions_analytics_classes);
#endif
  g_test_add_func ("/tracks/best-non-finite-confidence-scores-one",
      test_tracks_best_non_finite_confidence_scores_one);
  g_test_add_func ("/tracks/first", test_tracks_first);
  g_test_add_func ("/tracks/improving", test_tracks_improving);
  g_test_add_func ("/tracks/improving-frame-steps",
      test_tracks_improving_frame_steps);
  g_test_add_func ("/tracks/best-timeout-never-wraps",
      test_tracks_best_timeout_never_wraps);
  g_test_add_func ("/tracks/best-rule", test_tracks_best_rule);
  g_test_add_func ("/tracks/timeout-eos-lost-eviction",
      test_tracks_timeout_eos_lost_and_eviction);
  return g_test_run ();
}
